package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.attr;
import static onnx2mpc.frontend.OnnxBuilder.d;
import static onnx2mpc.frontend.OnnxBuilder.run;
import static onnx2mpc.frontend.OnnxBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.TensorOps;
import org.junit.jupiter.api.Test;

/** One small graph per family of ONNX ops, checked against values worked out by hand. */
class OpsTest {
  private static final Tensor X = Tensor.reals(Shape.of(2, 3), new double[] {1, -2, 3, -4, 5, 0});

  private static Tensor convertAndRun(OnnxBuilder b) throws ImportException {
    Graph g = b.convert();
    for (Node n : g.nodes()) {
      TensorOps.check(n);
    }
    return run(g, X);
  }

  @Test
  void comparisonsAndWhere() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3).floats("zero", d(), 0)
        .node("Greater", s("x", "zero"), s("pos"))
        .node("Neg", s("x"), s("nx"))
        .node("Where", s("pos", "x", "nx"), s("y")).output("y");
    Graph g = b.convert();
    assertEquals(Elem.BIT, g.nodes().get(0).output().type().elem());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 0}, convertAndRun(b).reals(), 0);
    OnnxBuilder eq = new OnnxBuilder(17).input("x", 2, 3).floats("t", d(3), 1, 5, 0)
        .node("Equal", s("x", "t"), s("e")).node("Less", s("x", "t"), s("l"))
        .node("Where", s("e", "x", "t"), s("w")).node("Where", s("l", "w", "x"), s("y"))
        .output("y");
    // e = [1,0,0; 0,1,1], l = [0,1,0; 1,0,0], w = [1,5,0; 1,5,0]
    assertArrayEquals(new double[] {1, 5, 3, 1, 5, 0}, convertAndRun(eq).reals(), 0);
  }

  @Test
  void gatherTransposeFlattenAndConcat() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3).ints("idx", d(2), 2, -3)
        .node("Gather", s("x", "idx"), s("g"), attr("axis", 1))
        .node("Transpose", s("g"), s("t"))
        .node("Concat", s("t", "t"), s("c"), attr("axis", -1))
        .node("Flatten", s("c"), s("y"), attr("axis", 0)).output("y");
    // g = [3,1; 0,-4], t = [3,0; 1,-4], c = [3,0,3,0; 1,-4,1,-4]
    Tensor y = convertAndRun(b);
    assertEquals(Shape.of(1, 8), y.shape());
    assertArrayEquals(new double[] {3, 0, 3, 0, 1, -4, 1, -4}, y.reals(), 0);
  }

  @Test
  void variadicAndArithmetic() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3).floats("two", d(), 2)
        .floats("row", d(3), 0, 1, 2)
        .node("Sum", s("x", "row", "two"), s("a"))
        .node("Max", s("x", "row"), s("m"))
        .node("Min", s("a", "m"), s("n"))
        .node("Pow", s("n", "two"), s("p"))
        .node("Div", s("p", "two"), s("q"))
        .node("Sign", s("x"), s("sg"))
        .node("Mul", s("q", "sg"), s("y")).output("y");
    // a = [3,1,7; -2,8,4], m = [1,1,3; 0,5,2], n = [1,1,3; -2,5,2], p/2 = [.5,.5,4.5; 2,12.5,2]
    assertArrayEquals(new double[] {0.5, -0.5, 4.5, -2, 12.5, 0}, convertAndRun(b).reals(),
        1e-12);
  }

  @Test
  void matmulExpandArgmaxAndLayerNorm() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3)
        .floats("w", d(3, 2), 1, 0, 0, 1, 1, 1).ints("shape", d(3), 2, 2, 2)
        .node("MatMul", s("x", "w"), s("m"))
        .node("Expand", s("m", "shape"), s("e"))
        .node("ArgMax", s("e"), s("y"), attr("axis", -1), attr("keepdims", 0)).output("y");
    // m = [4,1; -4,5]
    Tensor y = convertAndRun(b);
    assertEquals(Shape.of(2, 2), y.shape());
    assertArrayEquals(new long[] {0, 1, 0, 1}, y.ints());

    OnnxBuilder ln = new OnnxBuilder(17).input("x", 2, 3).floats("g", d(3), 2, 2, 2)
        .floats("b", d(3), 1, 1, 1)
        .node("LayerNormalization", s("x", "g", "b"), s("y"), attr("epsilon", 0f)).output("y");
    double sd = Math.sqrt(((1 - 2.0 / 3) * (1 - 2.0 / 3) + (-2 - 2.0 / 3) * (-2 - 2.0 / 3)
        + (3 - 2.0 / 3) * (3 - 2.0 / 3)) / 3);
    assertEquals(2 * (1 - 2.0 / 3) / sd + 1, convertAndRun(ln).reals()[0], 1e-12);
  }

  @Test
  void globalMaxPoolAndActivations() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3).ints("shape", d(3), 1, 2, 3)
        .node("Reshape", s("x", "shape"), s("r"))
        .node("GlobalMaxPool", s("r"), s("gm"))
        .node("Erf", s("gm"), s("e"))
        .node("Sqrt", s("gm"), s("q"))
        .node("Add", s("e", "q"), s("y")).output("y");
    Tensor y = convertAndRun(b);
    assertEquals(Shape.of(1, 2, 1), y.shape());
    assertArrayEquals(new double[] {0.9999779095030014 + Math.sqrt(3),
        0.9999999999984626 + Math.sqrt(5)}, y.reals(), 1e-14);
    assertEquals(List.of("tensor.reshape", "tensor.maxpool", "tensor.erf", "tensor.sqrt",
        "tensor.add"), b.convert().nodes().stream().map(Node::op).toList());
  }

  @Test
  void halfPrecisionInitializersDecode() {
    assertEquals(1.0f, OnnxTensors.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, OnnxTensors.halfToFloat((short) 0xc000));
    assertEquals(65504f, OnnxTensors.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, OnnxTensors.halfToFloat((short) 0x0001));
    assertEquals(Float.POSITIVE_INFINITY, OnnxTensors.halfToFloat((short) 0x7c00));
    assertEquals(1.0f, OnnxTensors.bfloatToFloat((short) 0x3f80));
  }
}
