package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.attr;
import static onnx2mpc.frontend.OnnxBuilder.d;
import static onnx2mpc.frontend.OnnxBuilder.ramp;
import static onnx2mpc.frontend.OnnxBuilder.run;
import static onnx2mpc.frontend.OnnxBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import org.junit.jupiter.api.Test;

/** fold-constants and fold-batchnorm. */
class FoldingTest {
  private static List<String> ops(Graph g) {
    return g.nodes().stream().map(Node::op).toList();
  }

  /** x.view(x.size(0), -1) as PyTorch exports it. */
  @Test
  void pytorchViewChainBecomesOneReshape() throws Exception {
    Graph g = new OnnxBuilder(13).input("x", 2, 3, 4)
        .ints("zero", d(), 0).ints("ax", d(1), 0).ints("minus1", d(1), -1)
        .node("Shape", s("x"), s("sh"))
        .node("Gather", s("sh", "zero"), s("n"), attr("axis", 0))
        .node("Unsqueeze", s("n", "ax"), s("n1"))
        .node("Concat", s("n1", "minus1"), s("target"), attr("axis", 0))
        .node("Reshape", s("x", "target"), s("y"))
        .output("y").convert();
    assertEquals(List.of("tensor.reshape"), ops(g));
    assertArrayEquals(new long[] {2, 12}, g.nodes().get(0).attrs().getLongs("shape"));
    assertTrue(g.constants().isEmpty(), "shape constants are dropped once used");
  }

  @Test
  void integerShapeArithmeticStaysInt64() throws Exception {
    Graph g = new OnnxBuilder(17).input("x", 3, 2).ints("two", d(), 2)
        .node("Shape", s("x"), s("sh"))
        .node("Mul", s("sh", "two"), s("m"))
        .node("Div", s("m", "two"), s("q"))
        .node("Cast", s("q"), s("f"), attr("to", 1L))
        .node("Add", s("x", "f"), s("y"))
        .output("m").output("y").convert();
    Value m = g.outputs().get(0);
    assertTrue(g.isConstant(m));
    assertEquals(Elem.INT, m.type().elem());
    assertTrue(g.constant(m).isInt());
    assertArrayEquals(new long[] {6, 4}, g.constant(m).ints());
    Value f = g.nodes().get(0).input(1);
    assertEquals(Elem.FIXED, f.type().elem());
    assertArrayEquals(new double[] {3, 2}, g.constant(f).reals(), 0);
  }

  @Test
  void constantOfShapeRangeAndConstantsFold() throws Exception {
    Graph g = new OnnxBuilder(17).input("x", 4)
        .ints("shape", d(1), 4).ints("st", d(), 0).ints("lim", d(), 4).ints("dl", d(), 1)
        .node("ConstantOfShape", s("shape"), s("ones"),
            attr("value", OnnxBuilder.floatTensor("v", d(1), 1)))
        .node("Range", s("st", "lim", "dl"), s("r"))
        .node("Cast", s("r"), s("rf"), attr("to", 1L))
        .node("Constant", s(), s("c"), attr("value_float", 0.5f))
        .node("Mul", s("rf", "c"), s("half"))
        .node("Add", s("ones", "half"), s("k"))
        .node("Mul", s("x", "k"), s("y"))
        .output("y").convert();
    assertEquals(List.of("tensor.mul"), ops(g));
    Tensor k = g.constant(g.nodes().get(0).input(1));
    assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, k.reals(), 0);
  }

  /** A model computing BN(op(x)) that also outputs op(x), so that nothing is folded. */
  private static OnnxBuilder withBn(OnnxBuilder b, String pre, int ch) {
    double[] gamma = new double[ch];
    double[] beta = new double[ch];
    double[] mean = new double[ch];
    double[] var = new double[ch];
    for (int i = 0; i < ch; i++) {
      gamma[i] = 0.5 + 0.25 * i;
      beta[i] = 0.1 * i - 0.2;
      mean[i] = 0.3 - 0.05 * i;
      var[i] = 0.2 + 0.3 * i;
    }
    return b.floats("g", d(ch), gamma).floats("b", d(ch), beta).floats("m", d(ch), mean)
        .floats("v", d(ch), var)
        .node("BatchNormalization", s(pre, "g", "b", "m", "v"), s("y"), attr("epsilon", 1e-3f));
  }

  private static void assertFoldedMatches(OnnxBuilder folded, OnnxBuilder reference,
      String op, Tensor x) throws Exception {
    Graph g = folded.output("y").convert();
    assertEquals(List.of(op), ops(g));
    Graph ref = reference.output("y").output("pre").convert();
    assertTrue(ops(ref).contains("tensor.batchnorm"), "reference keeps its batchnorm");
    Tensor want = Interpreter.run(ref, Map.of("x", x)).values().iterator().next();
    assertArrayEquals(want.reals(), run(g, x).reals(), 1e-12);
  }

  @Test
  void batchNormFoldsIntoConv() throws Exception {
    Tensor w = ramp(Shape.of(3, 2, 3, 3), 0.01);
    for (boolean bias : new boolean[] {true, false}) {
      OnnxBuilder[] bs = new OnnxBuilder[2];
      for (int i = 0; i < 2; i++) {
        bs[i] = new OnnxBuilder(17).input("x", 1, 2, 5, 5).floats("w", d(3, 2, 3, 3), w.reals())
            .floats("cb", d(3), 0.1, -0.2, 0.3)
            .node("Conv", bias ? s("x", "w", "cb") : s("x", "w"), s("pre"),
                attr("pads", d(1, 1, 1, 1)));
        withBn(bs[i], "pre", 3);
      }
      assertFoldedMatches(bs[0], bs[1], "tensor.conv", ramp(Shape.of(1, 2, 5, 5), 0.1));
    }
  }

  @Test
  void batchNormFoldsIntoGemm() throws Exception {
    for (long transB : new long[] {0, 1}) {
      OnnxBuilder[] bs = new OnnxBuilder[2];
      for (int i = 0; i < 2; i++) {
        long[] wd = transB == 1 ? d(4, 3) : d(3, 4);
        bs[i] = new OnnxBuilder(17).input("x", 2, 3)
            .floats("w", wd, ramp(Shape.of(12), 0.1).reals()).floats("c", d(1, 4), 1, 2, 3, 4)
            .node("Gemm", s("x", "w", "c"), s("pre"), attr("transB", transB),
                attr("beta", 0.5f), attr("alpha", 2f));
        withBn(bs[i], "pre", 4);
      }
      assertFoldedMatches(bs[0], bs[1], "tensor.gemm", ramp(Shape.of(2, 3), 0.3));
    }
  }
}
