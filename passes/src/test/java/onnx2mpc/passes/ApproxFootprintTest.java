package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import org.junit.jupiter.api.Test;

/**
 * What approximated functions hold and ask of the dealer, beyond their values (which
 * ApproxOpsTest checks). Compile only.
 */
class ApproxFootprintTest {
  private static final int N = 1 << 14;
  private static final CompileOptions TWO = new CompileOptions(2, Map.of("x", 1), 0, 0, 16);

  /** A graph of one op on x [rows, N / rows]. */
  private static Graph unary(String op, int rows, Object... attrs) {
    Shape s = Shape.of(rows, N / rows);
    Graph g = new Graph();
    Value x = g.addInput("x", Type.fixed(s, 0, Vis.PUBLIC));
    g.markOutput(g.add(op, List.of(x), Type.fixed(s, 0, Vis.PUBLIC), Attrs.of(attrs), op));
    return g;
  }

  /**
   * A normalized function (here reciprocal on any sign: 27 thermometer rows) sums its weighted
   * bits as public [1, J] x [J, n] products, one per block of rows, without joining the blocks,
   * multiplying every row by an expanded weight or reducing the [J, n] terms: each of those
   * would hold another J x n words (1M elements planned 841 MiB at the peak before, 598 after).
   */
  @Test
  void weightedBitsAreSummedWithoutJTimesNTemporaries() {
    CompiledProgram p = Pipeline.compile(unary("tensor.reciprocal", 1), TWO);
    List<String> kernels = p.online().stream().filter(s -> s instanceof CompiledProgram.Call)
        .map(s -> ((CompiledProgram.Call) s).kernel()).toList();
    assertTrue(kernels.contains("Linear.matmulPA"), kernels.toString());
    for (String joined : List.of("Data.concat", "Arith.mulAP", "Arith.reduceSum")) {
      assertFalse(kernels.contains(joined), joined + " in " + kernels);
    }
  }

  /** The bits of the dealer's one-hot code (8 bytes per entry and element) in a lowered op. */
  private static List<Integer> oneHotBits(Graph g) {
    return Pipeline.lower(g, TWO).graph().nodes().stream()
        .filter(n -> n.op().equals("mpc.dealer.onehot"))
        .map(n -> n.attrs().getInt("bits")).toList();
  }

  /**
   * exp(x - max) in softmax needs 2^k for k in [-16, 0]: a 16-entry table for k < 0 and the
   * saturation bit for k = 0, instead of a 32-entry table (softmax 1000 x 1000: 286 instead of
   * 408 MiB from the dealer). Sigmoid (and tanh) need 2^k for k in [-16, -1] and 2^-k for k in
   * [0, 15]: two 16-entry tables on one code of k mod 16, the comparison bits picking the side
   * (347 instead of 461 MiB for 1M elements). Exp needs 2^k for k in [-16, 14]: the same two
   * sides on one 16-entry code (263 instead of 363 MiB).
   */
  @Test
  void exponentialsLookUpSixteenPowersOfTwo() {
    assertEquals(List.of(4), oneHotBits(unary("tensor.softmax", 16, "axis", 1L)));
    assertEquals(List.of(4), oneHotBits(unary("tensor.sigmoid", 1)));
    assertEquals(List.of(4), oneHotBits(unary("tensor.tanh", 1)));
    assertEquals(List.of(4), oneHotBits(unary("tensor.exp", 1)));
  }
}
