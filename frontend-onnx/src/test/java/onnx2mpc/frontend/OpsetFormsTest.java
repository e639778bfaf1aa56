package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.attr;
import static onnx2mpc.frontend.OnnxBuilder.d;
import static onnx2mpc.frontend.OnnxBuilder.ramp;
import static onnx2mpc.frontend.OnnxBuilder.run;
import static onnx2mpc.frontend.OnnxBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import org.junit.jupiter.api.Test;

/** Ops whose parameters moved from attributes to inputs, or whose meaning changed, by opset. */
class OpsetFormsTest {
  private static List<String> ops(Graph g) {
    return g.nodes().stream().map(Node::op).toList();
  }

  @Test
  void squeezeAndUnsqueezeTakeAxesAsAttributesBefore13AndAsInputsSince() throws Exception {
    Graph g11 = new OnnxBuilder(11).input("x", 2, 1, 3)
        .node("Squeeze", s("x"), s("y"), attr("axes", d(1)))
        .node("Unsqueeze", s("y"), s("z"), attr("axes", d(0, -1)))
        .output("z").convert();
    Graph g13 = new OnnxBuilder(13).input("x", 2, 1, 3)
        .ints("a1", d(1), 1).ints("a2", d(2), 0, -1)
        .node("Squeeze", s("x", "a1"), s("y"))
        .node("Unsqueeze", s("y", "a2"), s("z"))
        .output("z").convert();
    for (Graph g : List.of(g11, g13)) {
      assertEquals(Shape.of(1, 2, 3, 1), g.outputs().get(0).shape());
      assertEquals(List.of("tensor.reshape", "tensor.reshape"), ops(g));
    }
    Graph all = new OnnxBuilder(13).input("x", 1, 4, 1)
        .node("Squeeze", s("x"), s("y")).output("y").convert();
    assertEquals(Shape.of(4), all.outputs().get(0).shape());
  }

  @Test
  void reduceSumTakesAxesAsAttributeBefore13AndAsInputSince() throws Exception {
    Graph g11 = new OnnxBuilder(11).input("x", 2, 3)
        .node("ReduceSum", s("x"), s("y"), attr("axes", d(-1)), attr("keepdims", 0))
        .output("y").convert();
    Graph g13 = new OnnxBuilder(13).input("x", 2, 3).ints("ax", d(1), -1)
        .node("ReduceSum", s("x", "ax"), s("y"), attr("keepdims", 0)).output("y").convert();
    Tensor x = Tensor.reals(Shape.of(2, 3), new double[] {1, 2, 3, 4, 5, 6});
    for (Graph g : List.of(g11, g13)) {
      Node n = g.nodes().get(0);
      assertArrayEquals(new long[] {1}, n.attrs().getLongs("axes"));
      assertArrayEquals(new double[] {6, 15}, run(g, x).reals(), 0);
    }
    // No axes: all of them, unless noop_with_empty_axes.
    Graph allAxes = new OnnxBuilder(13).input("x", 2, 3)
        .node("ReduceMean", s("x"), s("y")).output("y").convert();
    assertArrayEquals(new double[] {3.5}, run(allAxes, x).reals(), 1e-12);
    assertEquals(Shape.of(1, 1), allAxes.outputs().get(0).shape());
    Graph noop = new OnnxBuilder(13).input("x", 2, 3)
        .node("ReduceSum", s("x"), s("y"), attr("noop_with_empty_axes", 1)).output("y")
        .convert();
    assertSame(noop.inputs().get(0), noop.outputs().get(0));
  }

  /**
   * Before opset 13, Softmax(axis=1) on [2,3,4] normalizes each batch row of 12 values
   * together; since 13 it normalizes along axis 1 only.
   */
  @Test
  void softmaxBefore13CoercesTo2d() throws Exception {
    Graph g11 = new OnnxBuilder(11).input("x", 2, 3, 4)
        .node("Softmax", s("x"), s("y"), attr("axis", 1)).output("y").convert();
    Graph g13 = new OnnxBuilder(13).input("x", 2, 3, 4)
        .node("Softmax", s("x"), s("y"), attr("axis", 1)).output("y").convert();
    assertEquals(List.of("tensor.reshape", "tensor.softmax", "tensor.reshape"), ops(g11));
    assertEquals(List.of("tensor.softmax"), ops(g13));
    Tensor x = ramp(Shape.of(2, 3, 4), 0.1);
    double[] y11 = run(g11, x).reals();
    double[] y13 = run(g13, x).reals();
    for (int b = 0; b < 2; b++) {
      double sum = 0;
      for (int i = 0; i < 12; i++) {
        sum += y11[b * 12 + i];
      }
      assertEquals(1, sum, 1e-12);
      for (int k = 0; k < 4; k++) {
        double col = 0;
        for (int c = 0; c < 3; c++) {
          col += y13[b * 12 + c * 4 + k];
        }
        assertEquals(1, col, 1e-12);
      }
    }
    // Default axes: 1 before 13 (the last axis of a 2-D input), -1 since.
    Graph d11 = new OnnxBuilder(11).input("x", 2, 5)
        .node("LogSoftmax", s("x"), s("y")).output("y").convert();
    assertEquals(List.of("tensor.log_softmax"), ops(d11));
    assertEquals(1, d11.nodes().get(0).attrs().getLong("axis"));
  }

  @Test
  void sliceResolvesNegativeAndSaturatedBounds() throws Exception {
    Graph g = new OnnxBuilder(13).input("x", 2, 5)
        .ints("st", d(1), -1).ints("en", d(1), -Long.MAX_VALUE).ints("ax", d(1), 1)
        .ints("sp", d(1), -1)
        .node("Slice", s("x", "st", "en", "ax", "sp"), s("y")).output("y").convert();
    Node n = g.nodes().get(0);
    assertArrayEquals(new long[] {0, 4}, n.attrs().getLongs("starts"));
    assertArrayEquals(new long[] {2, -1}, n.attrs().getLongs("ends"));
    assertArrayEquals(new long[] {0, 1}, n.attrs().getLongs("axes"));
    assertArrayEquals(new long[] {1, -1}, n.attrs().getLongs("steps"));
    Tensor x = Tensor.reals(Shape.of(2, 5), new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertArrayEquals(new double[] {4, 3, 2, 1, 0, 9, 8, 7, 6, 5}, run(g, x).reals(), 0);

    Graph tail = new OnnxBuilder(11).input("x", 2, 5)
        .ints("st", d(1), 1).ints("en", d(1), Long.MAX_VALUE).ints("ax", d(1), -1)
        .node("Slice", s("x", "st", "en", "ax"), s("y")).output("y").convert();
    assertArrayEquals(new double[] {1, 2, 3, 4, 6, 7, 8, 9}, run(tail, x).reals(), 0);
  }

  @Test
  void padTakesInputsSince11AndNegativePadsCrop() throws Exception {
    Graph g = new OnnxBuilder(11).input("x", 1, 3)
        .ints("p", d(4), 0, -1, 0, 2).floats("v", d(), 7)
        .node("Pad", s("x", "p", "v"), s("y")).output("y").convert();
    assertEquals(List.of("tensor.slice", "tensor.pad"), ops(g));
    Tensor x = Tensor.reals(Shape.of(1, 3), new double[] {1, 2, 3});
    assertArrayEquals(new double[] {2, 3, 7, 7}, run(g, x).reals(), 0);
    // Opset 18: pads for the listed axes only.
    Graph g18 = new OnnxBuilder(18).input("x", 1, 3)
        .ints("p", d(2), 1, 0).ints("ax", d(1), -1)
        .node("Pad", s("x", "p", "", "ax"), s("y")).output("y").convert();
    assertArrayEquals(new long[] {0, 1, 0, 0}, g18.nodes().get(0).attrs().getLongs("pads"));
    assertArrayEquals(new double[] {0, 1, 2, 3}, run(g18, x).reals(), 0);
  }

  @Test
  void clipBoundsAreOptionalInputs() throws Exception {
    Graph g = new OnnxBuilder(11).input("x", 4).floats("hi", d(), 1.5)
        .node("Clip", s("x", "", "hi"), s("y")).output("y").convert();
    Node n = g.nodes().get(0);
    assertEquals(Double.NEGATIVE_INFINITY, n.attrs().getDouble("min"));
    assertEquals(1.5, n.attrs().getDouble("max"));
    Tensor x = Tensor.reals(Shape.of(4), new double[] {-9, 0, 1, 2});
    assertArrayEquals(new double[] {-9, 0, 1, 1.5}, run(g, x).reals(), 0);
  }

  @Test
  void splitSizesFromAttributeInputOrEqualParts() throws Exception {
    Graph g11 = new OnnxBuilder(11).input("x", 2, 5)
        .node("Split", s("x"), s("a", "b"), attr("axis", 1), attr("split", d(2, 3)))
        .output("a").output("b").convert();
    Graph g13 = new OnnxBuilder(13).input("x", 2, 5).ints("sp", d(2), 2, 3)
        .node("Split", s("x", "sp"), s("a", "b"), attr("axis", -1)).output("a").output("b")
        .convert();
    for (Graph g : List.of(g11, g13)) {
      assertEquals(Shape.of(2, 2), g.outputs().get(0).shape());
      assertEquals(Shape.of(2, 3), g.outputs().get(1).shape());
    }
    Graph equal = new OnnxBuilder(13).input("x", 6)
        .node("Split", s("x"), s("a", "b", "c")).output("c").convert();
    assertArrayEquals(new long[] {2, 2, 2}, equal.nodes().get(0).attrs().getLongs("split"));
  }

  @Test
  void dropoutAndIdentityAndFloatCastsDisappear() throws Exception {
    Graph g = new OnnxBuilder(13).input("x", 3).floats("r", d(), 0.5)
        .node("Dropout", s("x", "r"), s("a"))
        .node("Identity", s("a"), s("b"))
        .node("Cast", s("b"), s("c"), attr("to", 11L))
        .node("Relu", s("c"), s("y")).output("y").convert();
    assertEquals(List.of("tensor.relu"), ops(g));
    assertSame(g.inputs().get(0), g.nodes().get(0).input(0));
  }
}
