package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.attr;
import static onnx2mpc.frontend.OnnxBuilder.d;
import static onnx2mpc.frontend.OnnxBuilder.run;
import static onnx2mpc.frontend.OnnxBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import org.junit.jupiter.api.Test;

/** auto_pad is resolved to explicit pads: the odd pixel goes last (UPPER) or first (LOWER). */
class AutoPadTest {
  private static Graph conv(String autoPad, long stride, long k) throws ImportException {
    double[] w = new double[(int) (k * k)];
    java.util.Arrays.fill(w, 1);
    return new OnnxBuilder(17).input("x", 1, 1, 5, 5).floats("w", d(1, 1, k, k), w)
        .node("Conv", s("x", "w"), s("y"), attr("auto_pad", autoPad),
            attr("strides", d(stride, stride)))
        .output("y").convert();
  }

  private static long[] pads(Graph g) {
    return g.nodes().get(0).attrs().getLongs("pads");
  }

  @Test
  void convSamePadsPutTheOddPixelAtTheEndOrTheBeginning() throws Exception {
    Graph upper = conv("SAME_UPPER", 1, 2);
    Graph lower = conv("SAME_LOWER", 1, 2);
    assertArrayEquals(new long[] {0, 0, 1, 1}, pads(upper));
    assertArrayEquals(new long[] {1, 1, 0, 0}, pads(lower));
    assertEquals(Shape.of(1, 1, 5, 5), upper.outputs().get(0).shape());
    // A 2x2 box sum: UPPER reads x[i..i+1], LOWER reads x[i-1..i].
    double[] x = new double[25];
    x[0] = 1;
    Tensor in = Tensor.reals(Shape.of(1, 1, 5, 5), x);
    assertEquals(1, run(upper, in).reals()[0]);
    assertEquals(0, run(upper, in).reals()[1]);
    assertEquals(1, run(lower, in).reals()[6]);
  }

  @Test
  void convSameWithStrideGivesCeilOfInputOverStride() throws Exception {
    Graph g = conv("SAME_UPPER", 2, 3);
    assertArrayEquals(new long[] {1, 1, 1, 1}, pads(g));
    assertEquals(Shape.of(1, 1, 3, 3), g.outputs().get(0).shape());
    Graph valid = conv("VALID", 2, 3);
    assertArrayEquals(new long[] {0, 0, 0, 0}, pads(valid));
    assertEquals(Shape.of(1, 1, 2, 2), valid.outputs().get(0).shape());
  }

  @Test
  void maxPoolSameUpper() throws Exception {
    Graph g = new OnnxBuilder(17).input("x", 1, 1, 1, 5)
        .node("MaxPool", s("x"), s("y"), attr("auto_pad", "SAME_UPPER"),
            attr("kernel_shape", d(1, 2)), attr("strides", d(1, 2)))
        .output("y").convert();
    Node n = g.nodes().get(0);
    assertArrayEquals(new long[] {0, 0, 0, 1}, n.attrs().getLongs("pads"));
    Tensor x = Tensor.reals(Shape.of(1, 1, 1, 5), new double[] {-1, -2, -3, -4, -5});
    assertArrayEquals(new double[] {-1, -3, -5}, run(g, x).reals(), 0);
  }

  @Test
  void convTransposeSameUpperDoublesTheSize() throws Exception {
    Graph g = new OnnxBuilder(17).input("x", 1, 1, 3, 3).floats("w", d(1, 1, 3, 3),
            1, 1, 1, 1, 1, 1, 1, 1, 1)
        .node("ConvTranspose", s("x", "w"), s("y"), attr("auto_pad", "SAME_UPPER"),
            attr("strides", d(2, 2)))
        .output("y").convert();
    assertEquals(Shape.of(1, 1, 6, 6), g.outputs().get(0).shape());
    // total padding = 2*(3-1) + 3 - 6 = 1: UPPER puts 0 first, 1 last.
    assertArrayEquals(new long[] {0, 0, 1, 1}, g.nodes().get(0).attrs().getLongs("pads"));
    Graph explicit = new OnnxBuilder(17).input("x", 1, 1, 3, 3).floats("w", d(1, 1, 3, 3),
            1, 1, 1, 1, 1, 1, 1, 1, 1)
        .node("ConvTranspose", s("x", "w"), s("y"), attr("output_shape", d(6, 6)),
            attr("strides", d(2, 2)))
        .output("y").convert();
    // Without SAME_UPPER the larger half goes first.
    assertArrayEquals(new long[] {1, 1, 0, 0},
        explicit.nodes().get(0).attrs().getLongs("pads"));
  }

  @Test
  void averagePoolCeilModeAndCountIncludePad() throws Exception {
    Tensor x = Tensor.reals(Shape.of(1, 1, 1, 5), new double[] {1, 2, 3, 4, 5});
    Graph ceil = new OnnxBuilder(17).input("x", 1, 1, 1, 5)
        .node("AveragePool", s("x"), s("y"), attr("kernel_shape", d(1, 2)),
            attr("strides", d(1, 2)), attr("ceil_mode", 1))
        .output("y").convert();
    assertArrayEquals(new double[] {1.5, 3.5, 5}, run(ceil, x).reals(), 1e-12);
    for (long include : new long[] {0, 1}) {
      Graph g = new OnnxBuilder(17).input("x", 1, 1, 1, 5)
          .node("AveragePool", s("x"), s("y"), attr("kernel_shape", d(1, 2)),
              attr("strides", d(1, 2)), attr("pads", d(0, 1, 0, 1)), attr("ceil_mode", 1),
              attr("count_include_pad", include))
          .output("y").convert();
      // Windows start at -1, 1, 3; a fourth would start in the end padding and is dropped.
      double[] want = include == 1 ? new double[] {0.5, 2.5, 4.5}
          : new double[] {1, 2.5, 4.5};
      assertArrayEquals(want, run(g, x).reals(), 1e-12);
    }
  }
}
