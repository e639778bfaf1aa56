package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.ramp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.TensorOps;
import onnx2mpc.ir.interp.SpecialFunctions;
import org.junit.jupiter.api.Test;

/** The plaintext oracle against naive definitions and reference values. */
class InterpreterTest {
  private static Tensor eval(String op, Attrs a, Tensor... ins) {
    return Interpreter.eval(op, List.of(ins), a).get(0);
  }

  @Test
  void erfIsAccurateTo1e15() {
    // Reference values from mpmath at 30 digits.
    double[][] ref = {{0.1, 0.112462916018284892203275071744}, {0.5, 0.520499877813046537682746653892},
        {1, 0.842700792949714869341220635083}, {2, 0.995322265018952734162069256367},
        {2.9, 0.999958902121900080010937089427}, {3, 0.999977909503001414558627223870},
        {4.5, 0.999999999803383955845316741640}};
    for (double[] r : ref) {
      assertEquals(r[1], SpecialFunctions.erf(r[0]), 1e-15, "erf(" + r[0] + ")");
      assertEquals(-r[1], SpecialFunctions.erf(-r[0]), 1e-15, "erf(-" + r[0] + ")");
    }
    assertEquals(2.20904969985854413727761295823e-5, SpecialFunctions.erfc(3), 1e-19);
    assertEquals(1.53745979442803485018834348538e-12, SpecialFunctions.erfc(5), 1e-25);
    assertEquals(0.841344746068542948585232545632, SpecialFunctions.gelu(1), 1e-15);
  }

  /** Direct 2-D convolution from the definition. */
  private static double[] naiveConv(Tensor x, Tensor w, int[] s, int[] p, int[] dl, int g,
      Shape out) {
    int n = x.shape().dim(0);
    int c = x.shape().dim(1);
    int h = x.shape().dim(2);
    int wd = x.shape().dim(3);
    int o = w.shape().dim(0);
    int kh = w.shape().dim(2);
    int kw = w.shape().dim(3);
    int cg = c / g;
    int og = o / g;
    double[] y = new double[out.size()];
    int idx = 0;
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        for (int i = 0; i < out.dim(2); i++) {
          for (int j = 0; j < out.dim(3); j++) {
            double acc = 0;
            for (int ic = 0; ic < cg; ic++) {
              for (int a = 0; a < kh; a++) {
                for (int e = 0; e < kw; e++) {
                  int ih = i * s[0] - p[0] + a * dl[0];
                  int iw = j * s[1] - p[1] + e * dl[1];
                  if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                    int cin = oc / og * cg + ic;
                    acc += x.reals()[((b * c + cin) * h + ih) * wd + iw]
                        * w.reals()[((oc * cg + ic) * kh + a) * kw + e];
                  }
                }
              }
            }
            y[idx++] = acc;
          }
        }
      }
    }
    return y;
  }

  @Test
  void convMatchesTheDefinitionWithStridePadsDilationAndGroups() {
    Tensor x = ramp(Shape.of(2, 4, 9, 8), 0.01);
    Tensor w = ramp(Shape.of(6, 2, 3, 2), 0.1);
    int[] s = {2, 1};
    int[] p = {1, 0, 2, 1};
    int[] dl = {2, 3};
    Attrs a = Attrs.of("strides", s, "pads", p, "dilations", dl, "group", 2);
    Tensor y = eval("tensor.conv", a, x, w);
    assertEquals(Shape.of(2, 6, 4, 6), y.shape());
    assertArrayEquals(naiveConv(x, w, s, p, dl, 2, y.shape()), y.reals(), 1e-12);
    // 1-D is 2-D with height 1.
    Tensor x1 = ramp(Shape.of(1, 2, 7), 0.1);
    Tensor w1 = ramp(Shape.of(3, 2, 3), 0.1);
    Tensor y1 = eval("tensor.conv", Attrs.of("strides", new int[] {2}, "pads",
        new int[] {1, 1}, "dilations", new int[] {1}, "group", 1), x1, w1);
    double[] want = naiveConv(x1.reshape(Shape.of(1, 2, 1, 7)), w1.reshape(Shape.of(3, 2, 1, 3)),
        new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 1}, 1, Shape.of(1, 3, 1, 4));
    assertArrayEquals(want, y1.reals(), 1e-12);
  }

  /** conv_transpose is the adjoint of conv: <conv(x, w), y> = <x, conv_transpose(y, w)>. */
  @Test
  void convTransposeIsTheAdjointOfConv() {
    Tensor x = ramp(Shape.of(1, 2, 7, 6), 0.1);
    Tensor w = ramp(Shape.of(4, 1, 3, 3), 0.2); // conv: 2 -> 4 channels, 2 groups
    Attrs conv = Attrs.of("strides", new int[] {2, 2}, "pads", new int[] {1, 0, 1, 1},
        "dilations", new int[] {1, 2}, "group", 2);
    Tensor cx = eval("tensor.conv", conv, x, w);
    Tensor y = ramp(cx.shape(), 0.05);
    // The transpose must reproduce x's 7x6 plane: output_padding fills what stride skips.
    int oh = 2 * (cx.shape().dim(2) - 1) + 3 - 2;
    int ow = 2 * (cx.shape().dim(3) - 1) + 5 - 1;
    Attrs tr = conv.toBuilder().put("output_padding", new int[] {7 - oh, 6 - ow}).build();
    Tensor ty = eval("tensor.conv_transpose", tr, y, w);
    assertEquals(x.shape(), ty.shape());
    double lhs = 0;
    double rhs = 0;
    for (int i = 0; i < y.size(); i++) {
      lhs += cx.reals()[i] * y.reals()[i];
    }
    for (int i = 0; i < x.size(); i++) {
      rhs += x.reals()[i] * ty.reals()[i];
    }
    assertEquals(lhs, rhs, 1e-9 * Math.abs(lhs));
  }

  @Test
  void matmulBroadcastsBatchesAndPromotesVectors() {
    Tensor a = ramp(Shape.of(2, 1, 3, 4), 0.5);
    Tensor b = ramp(Shape.of(3, 4, 5), 0.25);
    Tensor c = eval("tensor.matmul", Attrs.NONE, a, b);
    assertEquals(Shape.of(2, 3, 3, 5), c.shape());
    // Element [1, 2, 0, 3] = a[1, 0, 0, :] . b[2, :, 3]
    double want = 0;
    for (int k = 0; k < 4; k++) {
      want += a.reals()[12 + k] * b.reals()[40 + k * 5 + 3];
    }
    assertEquals(want, c.reals()[((1 * 3 + 2) * 3 + 0) * 5 + 3], 1e-12);
    Tensor v = eval("tensor.matmul", Attrs.NONE, ramp(Shape.of(4), 1), b);
    assertEquals(Shape.of(3, 5), v.shape());
  }

  @Test
  void integersStayIntegersAndDivisionTruncates() {
    Tensor a = Tensor.ints(Shape.of(2, 1), new long[] {7, -7});
    Tensor b = Tensor.ints(Shape.of(2), new long[] {2, 3});
    Tensor q = eval("tensor.div", Attrs.NONE, a, b);
    assertTrue(q.isInt());
    assertEquals(Shape.of(2, 2), q.shape());
    assertArrayEquals(new long[] {3, 2, -3, -2}, q.ints());
    Tensor r = eval("tensor.add", Attrs.NONE, a, Tensor.scalar(0.5));
    assertArrayEquals(new double[] {7.5, -6.5}, r.reals(), 0);
  }

  @Test
  void runChecksInputsByName() throws Exception {
    Graph g = new OnnxBuilder(17).input("x", 2).node("Relu", OnnxBuilder.s("x"),
        OnnxBuilder.s("y")).output("y").convert();
    IrException missing = assertThrows(IrException.class, () -> Interpreter.run(g, Map.of()));
    assertTrue(missing.getMessage().contains("expected a tensor for graph input 'x'"));
    IrException shape = assertThrows(IrException.class, () -> Interpreter.run(g,
        Map.of("x", Tensor.reals(Shape.of(3), new double[3]))));
    assertTrue(shape.getMessage().contains("expected graph input 'x' of shape [2], but found"
        + " [3]"), shape.getMessage());
  }

  @Test
  void registryHoldsEveryOpOfTheDialect() {
    for (String op : List.of("gemm", "matmul", "conv", "conv_transpose", "batchnorm", "add",
        "sub", "mul", "div", "neg", "abs", "pow", "sum", "relu", "leaky_relu", "clip",
        "sigmoid", "tanh", "exp", "log", "sqrt", "reciprocal", "erf", "gelu", "softmax",
        "log_softmax", "max", "min", "maxpool", "averagepool", "globalaveragepool",
        "reduce_sum", "reduce_mean", "layer_norm", "reshape", "transpose", "concat", "split",
        "slice", "gather", "pad", "expand", "where", "greater", "less", "equal", "sign",
        "argmax")) {
      assertTrue(TensorOps.isTensor("tensor." + op), op);
      assertTrue(TensorOps.get("tensor." + op).kernel() == null);
    }
    assertEquals(TensorOps.AttrKind.TENSOR, TensorOps.kindOf("tensor.gather", "indices"));
    assertEquals(2, TensorOps.minOperands("tensor.conv"));
    assertEquals(3, TensorOps.maxOperands("tensor.conv"));
  }

  @Test
  void layerNormSoftmaxAndArgmax() {
    Tensor x = Tensor.reals(Shape.of(2, 3), new double[] {1, 2, 3, -1, 0, 5});
    Tensor ln = Interpreter.eval("tensor.layer_norm", List.of(x,
        Tensor.reals(Shape.of(3), new double[] {1, 1, 1})),
        Attrs.of("axis", 1, "epsilon", 0.0)).get(0);
    double sd = Math.sqrt(2.0 / 3);
    assertArrayEquals(new double[] {-1 / sd, 0, 1 / sd}, java.util.Arrays.copyOf(ln.reals(), 3),
        1e-12);
    Tensor am = eval("tensor.argmax", Attrs.of("axis", 1, "keepdims", 0), x);
    assertArrayEquals(new long[] {2, 2}, am.ints());
    Tensor ls = eval("tensor.log_softmax", Attrs.of("axis", 0), x);
    assertEquals(Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(-1))), ls.reals()[0], 1e-12);
  }
}
