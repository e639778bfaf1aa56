package onnx2mpc.conformance;

import static onnx2mpc.conformance.CaseKit.binary;
import static onnx2mpc.conformance.CaseKit.d;
import static onnx2mpc.conformance.CaseKit.unary;
import static onnx2mpc.conformance.OnnxGraph.f;
import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.conformance.CaseKit.Mix;

/**
 * Issue 4's arithmetic and linear ops. Elementwise ops run over every operand mix; the linear
 * ops over the attribute forms PyTorch exports (Gemm's alpha/beta/trans flags, Conv's groups,
 * dilations, asymmetric pads and auto_pad). Ops whose ONNX form is the same from opset 11 to
 * 17 run at 17; the others at each opset where the form changes.
 */
final class ArithmeticCases {
  private ArithmeticCases() {}

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    Tolerance ex = Tolerance.EXACT;
    for (String op : List.of("Add", "Sub", "Mul")) {
      for (Mix m : Mix.values()) {
        if (m != Mix.WEIGHT_FIRST || op.equals("Sub")) {
          c.add(binary(op, 17, m, d(2, 3, 4), d(3, 1), -2, 2, ex));
        }
      }
    }
    // Division by public values is a product with a public reciprocal; by secrets it is
    // the reciprocal approximation (denominators inside its documented range).
    c.add(binary("Div", 17, Mix.PUBLIC_SCALAR, d(2, 3, 4), d(), 0.5, 4, ex));
    c.add(binary("Div", 17, Mix.PUBLIC_WEIGHT, d(2, 3, 4), d(4), 0.5, 4, ex));
    c.add(binary("Div", 17, Mix.SHARED, d(2, 3, 4), d(3, 1), 0.2, 5, Tolerance.DIV_SECRET));
    c.add(binary("Div", 17, Mix.PRIVATE_WEIGHT, d(2, 3, 4), d(4), 0.2, 5,
        Tolerance.DIV_SECRET));
    c.add(unary("Neg", 17, -2, 2, d(2, 3, 4), ex));
    c.add(sum());
    c.add(pow(11, false, 2));
    c.add(pow(17, true, 3));

    c.add(binary("MatMul", 17, Mix.PRIVATE_WEIGHT, d(2, 3, 4), d(4, 5), -1, 1, ex));
    c.add(binary("MatMul", 17, Mix.PUBLIC_WEIGHT, d(2, 3, 4), d(4, 5), -1, 1, ex));
    c.add(binary("MatMul", 17, Mix.SHARED, d(2, 3, 4), d(2, 4, 5), -1, 1, ex));
    c.add(binary("MatMul", 17, Mix.SHARED, d(2, 3, 4), d(4, 5), -1, 1, ex));
    c.add(binary("MatMul", 17, Mix.WEIGHT_FIRST, d(3, 3), d(2, 3, 4), -1, 1, ex));
    c.add(binary("MatMul", 17, Mix.SAME_OWNER, d(4), d(4, 5), -1, 1, ex));
    c.add(gemm(11, false, 1, 1, 0, 1, false));
    c.add(gemm(17, true, 0.5, 2, 1, 1, false));
    c.add(gemm(17, true, 1, 1, 0, 0, true));
    c.add(gemm(17, true, 1.5, 0.25, 1, 0, true));

    c.add(conv("group=2 dilation=2 asymmetric pads stride 2", d(1, 4, 9, 9), d(6, 2, 3, 3),
        false, false, i("group", 2), ints("dilations", 2, 2), ints("pads", 0, 1, 2, 1),
        ints("strides", 2, 2)));
    c.add(conv("depthwise group=C", d(1, 4, 6, 6), d(4, 1, 3, 3), false, false,
        i("group", 4), ints("pads", 1, 1, 1, 1)));
    c.add(conv("auto_pad=SAME_UPPER stride 2", d(1, 2, 7, 7), d(3, 2, 4, 4), false, false,
        OnnxGraph.s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)));
    c.add(conv("auto_pad=SAME_LOWER", d(1, 2, 6, 6), d(3, 2, 2, 2), false, false,
        OnnxGraph.s("auto_pad", "SAME_LOWER")));
    c.add(conv("auto_pad=VALID 1-D", d(1, 3, 10), d(4, 3, 3), false, false,
        OnnxGraph.s("auto_pad", "VALID")));
    c.add(conv("public weights", d(1, 3, 5, 5), d(4, 3, 3, 3), true, false,
        ints("pads", 1, 1, 1, 1)));
    c.add(conv("secret weight input of party 0", d(1, 3, 5, 5), d(4, 3, 3, 3), false, true,
        ints("pads", 1, 1, 1, 1)));
    c.add(convTranspose("stride 2 pads 1 output_padding 1", 1, i("group", 1),
        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1)));
    c.add(convTranspose("group=2 dilation 2", 2, i("group", 2), ints("dilations", 2, 2)));

    c.add(batchNorm(11, true));
    c.add(batchNorm(17, true));
    c.add(batchNorm(17, false));
    c.add(layerNorm(-1, true));
    c.add(layerNorm(-2, false));
    for (int opset : new int[] {11, 13, 17}) {
      c.add(reduce("ReduceSum", opset, d(1, 2), 0));
      c.add(reduce("ReduceSum", opset, d(-1), 1));
    }
    c.add(reduce("ReduceMean", 11, d(-1), 1));
    c.add(reduce("ReduceMean", 17, d(1, 2), 0));
    c.add(unary("GlobalAveragePool", 17, -2, 2, d(1, 3, 5, 5), ex));
    c.add(pool("AveragePool", 17, ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
        i("count_include_pad", 1)));
    c.add(pool("AveragePool", 17, ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
        i("count_include_pad", 0)));
    c.add(pool("AveragePool", 11, ints("kernel_shape", 2, 2), ints("strides", 2, 2),
        i("ceil_mode", 1)));
    c.add(pool("AveragePool", 17, ints("kernel_shape", 3, 3), ints("strides", 2, 2),
        ints("pads", 0, 0, 1, 1), i("ceil_mode", 1), i("count_include_pad", 0)));
    c.add(pad(11, 0));
    c.add(pad(17, 0.5));
    return c;
  }

  /** Sum of a shared input, another party's input and a broadcast weight. */
  private static Case sum() {
    String name = "Sum a:p0 + b:p1 + w:p0 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String a = g.input("a", -2, 2, 2, 3);
    String b = g.input("b", -2, 2, 2, 3);
    g.owner("a", 0);
    g.output(g.op("Sum", List.of(a, b, g.weight("w", 1, 3))));
    return g.done(name, Tolerance.EXACT);
  }

  /**
   * PyTorch's {@code x ** 2} exports Pow with a float constant exponent; since opset 12 the
   * exponent may also be an integer tensor.
   */
  private static Case pow(int opset, boolean intExponent, int e) {
    String name = "Pow x^" + e + (intExponent ? " int64" : " float") + " exponent opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -1.5, 1.5, 2, 3, 4);
    String ex = intExponent ? g.ints("e", new long[0], e) : g.scalar("e", e);
    g.output(g.op("Pow", List.of(x, ex)));
    return g.done(name, Tolerance.EXACT);
  }

  private static Case gemm(int opset, boolean withC, double alpha, double beta, int transA,
      int transB, boolean secretB) {
    String name = "Gemm alpha=" + alpha + " beta=" + beta + " transA=" + transA + " transB="
        + transB + (withC ? " C[5]" : " no C") + (secretB ? " B:p0 input" : " B:weight")
        + " opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String a = g.input("a", -1, 1, transA == 1 ? d(4, 3) : d(3, 4));
    long[] bDims = transB == 1 ? d(5, 4) : d(4, 5);
    String b = secretB ? g.input("b", -1, 1, bDims) : g.weight("w", 1, bDims);
    if (secretB) {
      g.owner("b", 0);
    }
    List<String> ins = withC ? List.of(a, b, g.weight("c", 1, 5)) : List.of(a, b);
    g.output(g.op("Gemm", ins, f("alpha", alpha), f("beta", beta), i("transA", transA),
        i("transB", transB)));
    return g.done(name, Tolerance.EXACT);
  }

  private static Case conv(String what, long[] x, long[] w, boolean publicWeights,
      boolean weightAsInput, ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
    String name = "Conv " + what + " opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String in = g.input("x", -1, 1, x);
    String wt = weightAsInput ? g.input("w", -0.5, 0.5, w) : g.weight("w", 0.5, w);
    if (weightAsInput) {
      g.owner("w", 0);
    }
    if (publicWeights) {
      g.publicWeights();
    }
    g.output(g.op("Conv", List.of(in, wt, g.weight("b", 0.5, w[0])), attrs));
    return g.done(name, Tolerance.EXACT);
  }

  /** ConvTranspose weights are [C_in, C_out / group, k, k]. */
  private static Case convTranspose(String what, int group,
      ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
    String name = "ConvTranspose " + what + " opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String x = g.input("x", -1, 1, 1, 4, 4, 4);
    String w = g.weight("w", 0.5, 4, 4 / group, 3, 3);
    g.output(g.op("ConvTranspose", List.of(x, w, g.weight("b", 0.5, 4)), attrs));
    return g.done(name, Tolerance.EXACT);
  }

  /**
   * After a Conv the importer folds BatchNormalization into it (the weights owner owns both);
   * on a graph input there is nothing to fold into and it is computed. Opset 11 still has the
   * momentum attribute; 14 added training_mode.
   */
  private static Case batchNorm(int opset, boolean afterConv) {
    String name = "BatchNormalization " + (afterConv ? "folded into Conv" : "computed on input")
        + " opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -1, 1, 1, 3, 4, 4);
    if (afterConv) {
      x = g.op("Conv", List.of(x, g.weight("cw", 0.5, 3, 3, 1, 1)));
    }
    String bn = g.op("BatchNormalization", List.of(x, g.uniform("gamma", 0.5, 1.5, 3),
        g.weight("beta", 0.5, 3), g.weight("mean", 0.3, 3), g.uniform("var", 0.5, 2, 3)),
        f("epsilon", 1e-5), f("momentum", 0.9));
    g.output(bn);
    return g.done(name, Tolerance.EXACT);
  }

  private static Case layerNorm(int axis, boolean bias) {
    String name = "LayerNormalization axis=" + axis + (bias ? " with bias" : " no bias")
        + " opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String x = g.input("x", -2, 2, 2, 3, 8);
    long[] sd = axis == -1 ? d(8) : d(3, 8);
    List<String> ins = bias ? List.of(x, g.uniform("gamma", 0.5, 1.5, sd), g.weight("beta", 0.5,
        sd)) : List.of(x, g.uniform("gamma", 0.5, 1.5, sd));
    g.output(g.op("LayerNormalization", ins, i("axis", axis), f("epsilon", 1e-5)));
    return g.done(name, Tolerance.LAYER_NORM);
  }

  /** ReduceSum's axes moved from attribute to input at 13; ReduceMean's only at 18. */
  private static Case reduce(String op, int opset, long[] axes, int keepdims) {
    String name = op + " axes=" + CaseKit.dims(axes) + " keepdims=" + keepdims + " opset "
        + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -2, 2, 2, 3, 4);
    boolean asInput = op.equals("ReduceSum") && opset >= 13;
    String y = asInput ? g.op(op, List.of(x, g.vec("axes", axes)), i("keepdims", keepdims))
        : g.op(op, List.of(x), ints("axes", axes), i("keepdims", keepdims));
    g.output(y);
    return g.done(name, Tolerance.EXACT);
  }

  static Case pool(String op, int opset, ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
    return unary(op, opset, -2, 2, d(1, 2, 7, 7), Tolerance.EXACT, attrs);
  }

  /** Constant Pad: pads and value are inputs since opset 11. */
  private static Case pad(int opset, double value) {
    String name = "Pad constant value=" + value + " opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -2, 2, 1, 2, 3, 3);
    String pads = g.vec("pads", 0, 0, 1, 2, 0, 1, 2, 0);
    g.output(g.op("Pad", List.of(x, pads, g.scalar("v", value)),
        OnnxGraph.s("mode", "constant")));
    return g.done(name, Tolerance.EXACT);
  }
}
