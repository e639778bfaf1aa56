package onnx2mpc.passes;

import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Verifier;
import onnx2mpc.passes.lower.Lowering;

/**
 * The pass pipeline, in order. The frontend has already run fold-constants, infer-shapes,
 * fold-batchnorm and dropped Identity/Dropout.
 * <ol>
 *   <li>assign-ownership + select-sharing + lower + place-truncation ({@link Lowering}): tensor
 *       ops to mpc ops with explicit shares, opens, dealer correlations and truncations;
 *   <li>schedule-rounds + plan-dealer ({@link Scheduler}): offline part and online phases;
 *   <li>plan-memory ({@link Assembler}): buffer slots by liveness, straight-line steps, plan.
 * </ol>
 * The verifier runs after every pass that produces a graph.
 */
public final class Pipeline {
  private Pipeline() {}

  public static CompiledProgram compile(Graph tensorGraph, CompileOptions o) {
    Verifier.verify(tensorGraph, "import", 0);
    Lowering.Result lowered = Lowering.lower(tensorGraph, o);
    int allowed = lowered.outputs().isEmpty() ? 0 : lowered.outputs().get(0).toMask();
    Verifier.verify(lowered.graph(), "lower", allowed);
    Scheduler.Schedule s = Scheduler.schedule(lowered.graph());
    return Assembler.assemble(lowered, s, o);
  }

  /** Lowers only, for tests and {@code --dump-after=lower}. */
  public static Lowering.Result lower(Graph tensorGraph, CompileOptions o) {
    Lowering.Result lowered = Lowering.lower(tensorGraph, o);
    int allowed = lowered.outputs().isEmpty() ? 0 : lowered.outputs().get(0).toMask();
    Verifier.verify(lowered.graph(), "lower", allowed);
    return lowered;
  }
}
