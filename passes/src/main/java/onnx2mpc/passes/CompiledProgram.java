package onnx2mpc.passes;

import java.util.List;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;

/**
 * The output of the pass pipeline and the input of codegen: a scheduled {@code mpc.*} program,
 * the same for every party (party-specific work is decided by the kernels and by codegen).
 *
 * @param graph the mpc-dialect graph
 * @param parties number of computing parties
 * @param precision default fractional bits
 * @param offline steps that do not depend on any input: dealer correlations first, in correlation
 *     order (the dealer produces them in this order), then constants, weight sharing and weight
 *     masking, which may include exchanges
 * @param online steps from the inputs to the revealed outputs; exchanges mark round boundaries
 *     and are numbered after the offline ones
 * @param slotCount number of buffer slots after memory planning
 * @param inputs graph inputs, in kernel-id order
 * @param outputs revealed outputs
 * @param constants constants (weights, folded tensors) in kernel-id order
 * @param layers ONNX node names; {@link Step#layer()} indexes this list
 * @param plan planned rounds, bytes and correlations per layer
 * @param digest hex SHA-256 over the program text and options; peers compare it at handshake
 */
public record CompiledProgram(Graph graph, int parties, int precision, List<Step> offline,
    List<Step> online, int slotCount, List<InputSpec> inputs, List<OutputSpec> outputs,
    List<ConstSpec> constants, List<String> layers, Plan plan, String digest) {

  /** One line of straight-line code: a kernel call, or an exchange ending a round. */
  public sealed interface Step permits Call, Exchange {
    int layer();
  }

  /**
   * A kernel call. {@code args} is already encoded ({@link onnx2mpc.ir.MpcOps#encodeArgs}), and
   * {@code frees} lists slots whose last use is this call (codegen nulls them afterwards).
   */
  public record Call(Node node, String kernel, int[] args, int layer, int[] frees)
      implements Step {}

  /** The end of round {@code round} (1-based): all staged opens and reveals are exchanged. */
  public record Exchange(int round, int layer) implements Step {}

  /**
   * A graph input: kernel id, ONNX name, owning party, shape, fixed-point scale (0 for ring
   * integers) and whether it is real-valued.
   */
  public record InputSpec(int id, String name, int owner, Shape shape, int scale, boolean real) {}

  /** A revealed output: name, shape, scale, slot and the bitmask of receiving parties. */
  public record OutputSpec(String name, Shape shape, int scale, int slot, int toMask) {}

  /** A constant: kernel id, name, owner (-1 when public) and ring-encoded words. */
  public record ConstSpec(int id, String name, int owner, Shape shape, long[] words) {}
}
