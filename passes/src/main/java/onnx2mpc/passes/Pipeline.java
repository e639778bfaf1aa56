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
 *       the online-only correlations offline too when that does not raise the memory peak;
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
    CompiledProgram p = Assembler.assemble(lowered, s, o);
    if (s.lazyCorrelations() == 0) {
      return p;
    }
    // Correlations made online cost the online phase their expansion (and party 0 its wait for
    // the dealer). Where making them all offline raises the peak of live memory by at most
    // OFFLINE_PEAK_ALLOWANCE (the peak is elsewhere, as in ResNet-18 and -34), they are made
    // offline.
    CompiledProgram all = Assembler.assemble(lowered, Scheduler.schedule(lowered.graph(), true),
        o);
    return peak(all) <= peak(p) + peak(p) / OFFLINE_PEAK_ALLOWANCE ? all : p;
  }

  /**
   * Making every correlation offline is worth up to 1/8 more peak of live buffers. ResNet-18 224
   * with {@code --truncation exact}: 437 instead of 396 MiB, and online 0.99 to 1.05 s instead
   * of 1.41 to 1.62 s (peak RSS 717 instead of 676 MiB). ResNet-50 would need 29 % more (1038
   * instead of 807 MiB) and keeps making its correlations when first needed, which its measured
   * end-to-end time favours anyway (the dealer's work then overlaps the online phase).
   */
  static final long OFFLINE_PEAK_ALLOWANCE = 8;

  private static long peak(CompiledProgram p) {
    return java.util.Arrays.stream(p.plan().peakLiveBytes()).max().orElse(0);
  }

  /** Lowers only, for tests and {@code --dump-after=lower}. */
  public static Lowering.Result lower(Graph tensorGraph, CompileOptions o) {
    Lowering.Result lowered = Lowering.lower(tensorGraph, o);
    int allowed = lowered.outputs().isEmpty() ? 0 : lowered.outputs().get(0).toMask();
    Verifier.verify(lowered.graph(), "lower", allowed);
    return lowered;
  }
}
