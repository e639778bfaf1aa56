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
 * Issue 4's nonlinear ops: the exact ones built from comparisons (held to {@link
 * Tolerance#EXACT}) and the approximated functions (each held to its documented accuracy on
 * its documented input range).
 */
final class NonlinearCases {
  private NonlinearCases() {}

  static List<Case> exact() {
    List<Case> c = new ArrayList<>();
    Tolerance ex = Tolerance.EXACT;
    long[] x = d(2, 3, 4);
    c.add(unary("Relu", 17, -2, 2, x, ex));
    c.add(unary("LeakyRelu", 17, -2, 2, x, ex, f("alpha", 0.1)));
    c.add(unary("LeakyRelu", 17, -2, 2, x, ex));
    c.add(unary("Abs", 17, -2, 2, x, ex));
    c.add(sign());
    // ReLU6 exports as Clip with min and max inputs since opset 11; a bare min is
    // F.relu-like clamping with the max input left out.
    for (int opset : new int[] {11, 17}) {
      c.add(clip(opset, 0.0, 6.0));
    }
    c.add(clip(17, -1.0, null));
    c.add(clip(17, null, 0.5));
    for (int opset : new int[] {11, 17}) {
      c.add(ArithmeticCases.pool("MaxPool", opset, ints("kernel_shape", 3, 3),
          ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("ceil_mode", 1)));
    }
    c.add(ArithmeticCases.pool("MaxPool", 17, ints("kernel_shape", 2, 2),
        ints("dilations", 2, 2), ints("pads", 0, 0, 1, 1)));
    c.add(unary("MaxPool", 17, -2, 2, d(1, 3, 9), ex, ints("kernel_shape", 3),
        ints("strides", 2)));
    for (String op : List.of("Max", "Min")) {
      c.add(binary(op, 17, Mix.SHARED, x, d(4), -2, 2, ex));
      c.add(binary(op, 17, Mix.PRIVATE_WEIGHT, x, d(3, 1), -2, 2, ex));
      c.add(binary(op, 17, Mix.PUBLIC_SCALAR, x, d(), -2, 2, ex));
      c.add(ties(op));
    }
    c.add(unary("ArgMax", 17, -2, 2, x, ex, i("axis", 1), i("keepdims", 1)));
    c.add(unary("ArgMax", 17, -2, 2, x, ex, i("axis", -1), i("keepdims", 0)));
    for (String op : List.of("Greater", "Less")) {
      c.add(binary(op, 17, Mix.SHARED, x, d(4), -2, 2, ex));
      c.add(binary(op, 17, Mix.PUBLIC_SCALAR, x, d(), -2, 2, ex));
      c.add(binary(op, 17, Mix.PRIVATE_WEIGHT, x, d(3, 1), -2, 2, ex));
    }
    c.add(equal());
    c.add(where(false));
    c.add(where(true));
    return c;
  }

  static List<Case> approx() {
    List<Case> c = new ArrayList<>();
    long[] x = d(2, 3, 4);
    c.add(unary("Exp", 17, -4, 4, x, Tolerance.EXP));
    c.add(unary("Log", 17, 0.1, 10, x, Tolerance.LOG));
    c.add(unary("Reciprocal", 17, 0.1, 10, x, Tolerance.RECIPROCAL));
    c.add(unary("Sqrt", 17, 0.1, 10, x, Tolerance.SQRT));
    c.add(unary("Sigmoid", 17, -6, 6, x, Tolerance.SIGMOID));
    c.add(unary("Tanh", 17, -6, 6, x, Tolerance.TANH));
    c.add(unary("Erf", 17, -3, 3, x, Tolerance.ERF));
    c.add(gelu());
    // Before opset 13, Softmax and LogSoftmax flatten to 2-D at axis and normalize each row as
    // a whole; since 13 they normalize along axis only. Axis 1 of a rank-3 input tells apart.
    for (int opset : new int[] {11, 13, 17}) {
      c.add(unary("Softmax", opset, -4, 4, x, Tolerance.SOFTMAX, i("axis", 1)));
      c.add(unary("LogSoftmax", opset, -4, 4, x, Tolerance.LOG_SOFTMAX, i("axis", 1)));
    }
    c.add(unary("Softmax", 17, -4, 4, x, Tolerance.SOFTMAX, i("axis", -1)));
    c.add(unary("LogSoftmax", 11, -4, 4, x, Tolerance.LOG_SOFTMAX, i("axis", -1)));
    return c;
  }

  /**
   * The approximations beyond the ranges of the documented table, as far as issue 4 (exp on
   * [-8, 8]) and ApproxMath's range reduction (normalisation to [1, 4) for |x| down to 4^-4,
   * erf clamped at 3.2, sigmoid through exp(-|x|)) claim them, held to the same family
   * tolerance. Reciprocal of negatives is in ONNX's domain, so it is checked too.
   */
  static List<Case> wide() {
    long[] x = d(4, 8);
    return List.of(
        unary("Exp", 17, -8, 8, x, Tolerance.EXP),
        unary("Reciprocal", 17, 0.01, 100, x, Tolerance.RECIPROCAL),
        unary("Reciprocal", 17, -10, -0.1, x, Tolerance.RECIPROCAL),
        unary("Log", 17, 0.01, 100, x, Tolerance.LOG),
        unary("Sqrt", 17, 0.01, 100, x, Tolerance.SQRT),
        unary("Sigmoid", 17, -12, 12, x, Tolerance.SIGMOID),
        unary("Tanh", 17, -12, 12, x, Tolerance.TANH),
        unary("Erf", 17, -6, 6, x, Tolerance.ERF),
        unary("Softmax", 17, -8, 8, x, Tolerance.SOFTMAX, i("axis", -1)));
  }

  /** Sign on a grid of 0.5 over [-2, 2], so that exact zeros (sign 0) occur. */
  private static Case sign() {
    String name = "Sign grid with zeros opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    g.output(g.op("Sign", List.of(g.gridInput("x", 0.5, -2, 2, 2, 3, 4))));
    return g.done(name, Tolerance.EXACT);
  }

  /** Clip with min and/or max as constant inputs; an absent bound is an empty input name. */
  private static Case clip(int opset, Double lo, Double hi) {
    String name = "Clip min=" + lo + " max=" + hi + " opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -8, 8, 2, 3, 4);
    List<String> ins = hi == null ? List.of(x, g.scalar("lo", lo))
        : List.of(x, lo == null ? "" : g.scalar("lo", lo), g.scalar("hi", hi));
    g.output(g.op("Clip", ins));
    return g.done(name, Tolerance.EXACT);
  }

  /** Max/Min of three operands (two parties' inputs and a weight) on a grid, so ties occur. */
  private static Case ties(String op) {
    String name = op + " of 3 with ties a:p0 b:p1 w:p0 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String a = g.gridInput("a", 0.5, -1, 1, 2, 3, 4);
    String b = g.gridInput("b", 0.5, -1, 1, 2, 3, 4);
    g.owner("a", 0);
    g.output(g.op(op, List.of(a, b, g.floats("w", d(4), -0.5, 0, 0.5, 1))));
    return g.done(name, Tolerance.EXACT);
  }

  /** Equal on a coarse grid, so that roughly one pair in five is equal. */
  private static Case equal() {
    String name = "Equal grid a:p0 x b:p1 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String a = g.gridInput("a", 0.5, -1, 1, 2, 3, 4);
    String b = g.gridInput("b", 0.5, -1, 1, 2, 3, 4);
    g.owner("a", 0);
    g.output(g.op("Equal", List.of(a, b)));
    return g.done(name, Tolerance.EXACT);
  }

  /**
   * Where as PyTorch emits it: the condition from a comparison in the same graph (a bool
   * tensor cannot be a model input here). {@code torch.where(a > b, a, b)} with both secret;
   * or {@code torch.where(x < 0, w, x)} mixing a weight in.
   */
  private static Case where(boolean withWeight) {
    String name = withWeight ? "Where(x < 0, w:p0, x) opset 17"
        : "Where(a > b, a, b) a:p0 b:p1 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    if (withWeight) {
      String x = g.input("x", -2, 2, 2, 3, 4);
      String cond = g.op("Less", List.of(x, g.scalar("zero", 0)));
      g.output(g.op("Where", List.of(cond, g.weight("w", 1, 3, 4), x)));
    } else {
      String a = g.input("a", -2, 2, 2, 3, 4);
      String b = g.input("b", -2, 2, 2, 3, 4);
      g.owner("a", 0);
      g.output(g.op("Where", List.of(g.op("Greater", List.of(a, b)), a, b)));
    }
    return g.done(name, Tolerance.EXACT);
  }

  /**
   * Gelu as PyTorch 1.13 exports {@code nn.GELU()} at opsets below 20 (there is no Gelu op):
   * {@code x * (erf(x / sqrt 2) + 1) * 0.5}.
   */
  static Case gelu() {
    String name = "Gelu (Div-Erf-Add-Mul-Mul, PyTorch 1.13) opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String x = g.input("x", -4, 4, 2, 3, 4);
    g.output(geluOf(g, x));
    return g.done(name, Tolerance.GELU);
  }

  static String geluOf(OnnxGraph g, String x) {
    String e = g.op("Erf", List.of(g.op("Div", List.of(x, g.scalar(x + "_sqrt2",
        1.4142135381698608)))));
    String h = g.op("Mul", List.of(x, g.op("Add", List.of(e, g.scalar(x + "_one", 1)))));
    return g.op("Mul", List.of(h, g.scalar(x + "_half", 0.5)));
  }
}
