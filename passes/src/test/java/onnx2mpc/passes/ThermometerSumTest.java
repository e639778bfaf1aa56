package onnx2mpc.passes;

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
 * A normalized function (here reciprocal on any sign: 27 thermometer rows) sums its weighted
 * bits as public [1, J] x [J, n] products, one per block of rows, without joining the blocks,
 * multiplying every row by an expanded weight or reducing the [J, n] terms: each of those
 * would hold another J x n words. Compile only; ApproxOpsTest checks the values.
 */
class ThermometerSumTest {
  private static final int N = 1 << 14;

  /** Reciprocal over N elements; 1M of them planned 841 MiB at the peak before, 598 after. */
  private static CompiledProgram reciprocal() {
    Graph g = new Graph();
    Value x = g.addInput("x", Type.fixed(Shape.of(1, N), 0, Vis.PUBLIC));
    g.markOutput(g.add("tensor.reciprocal", List.of(x), Type.fixed(Shape.of(1, N), 0,
        Vis.PUBLIC), Attrs.NONE, "reciprocal"));
    return Pipeline.compile(g, new CompileOptions(2, Map.of("x", 1), 0, 0, 16));
  }

  @Test
  void weightedBitsAreSummedWithoutJTimesNTemporaries() {
    CompiledProgram p = reciprocal();
    List<String> kernels = p.online().stream().filter(s -> s instanceof CompiledProgram.Call)
        .map(s -> ((CompiledProgram.Call) s).kernel()).toList();
    assertTrue(kernels.contains("Linear.matmulPA"), kernels.toString());
    for (String joined : List.of("Data.concat", "Arith.mulAP", "Arith.reduceSum")) {
      assertFalse(kernels.contains(joined), joined + " in " + kernels);
    }
  }
}
