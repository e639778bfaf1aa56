package onnx2mpc.conformance;

import static onnx2mpc.conformance.CaseKit.binary;
import static onnx2mpc.conformance.CaseKit.d;
import static onnx2mpc.conformance.CaseKit.unary;
import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.conformance.CaseKit.Mix;

/**
 * Corners where an implementation that passes the plain cases can still be wrong: magnitudes
 * far from 1, windows that are mostly padding, public data that has to enter a secret
 * computation (concat, where, batch norm with public weights), and data movement applied to
 * weights rather than to inputs.
 */
final class EdgeCases {
  /**
   * Each operand's encoding is off by up to half an ulp (2^-17), and in a product that is
   * scaled by the other operand: 2 * 50 * 2^-17 = 7.6e-4 for operands up to 50, plus the
   * product's own truncation; twice that leaves room for ORT's float32 product (6e-8 relative
   * of 2500 = 1.5e-4).
   */
  static final Tolerance MUL_50 = new Tolerance("exact-x50", 2e-3, 0);

  private EdgeCases() {}

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    Tolerance ex = Tolerance.EXACT;
    // Products of values near 50 and comparisons between them: truncation must not lose the
    // integer part, and msb must hold far from 0.
    c.add(binary("Mul", 17, Mix.SHARED, d(2, 3, 4), d(2, 3, 4), -50, 50, MUL_50));
    c.add(binary("Max", 17, Mix.SHARED, d(2, 3, 4), d(2, 3, 4), -1000, 1000, ex));
    c.add(unary("Relu", 17, -1000, 1000, d(2, 3, 4), ex));
    // Max pooling of negative data with padding: the pad value must never win.
    c.add(unary("MaxPool", 17, -2, -0.5, d(1, 2, 5, 5), ex, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
    // ceil_mode windows that run past the padded input: which cells the divisor counts there
    // is where implementations have disagreed; ORT is the reference.
    c.add(ArithmeticCases.pool("AveragePool", 17, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("ceil_mode", 1),
        i("count_include_pad", 1)));
    c.add(ArithmeticCases.pool("MaxPool", 17, ints("kernel_shape", 3, 3), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1), i("ceil_mode", 1), ints("dilations", 1, 1)));
    // Public data entering secret computations.
    c.add(publicInto("Concat", "Concat a:p1 with public weight axis=1"));
    c.add(publicInto("Where", "Where(x > 0, public w, x)"));
    c.add(publicInto("BatchNormalization", "BatchNormalization computed, public weights"));
    c.add(binary("Max", 17, Mix.PUBLIC_WEIGHT, d(2, 3, 4), d(4), -2, 2, ex));
    c.add(binary("Greater", 17, Mix.PUBLIC_WEIGHT, d(2, 3, 4), d(4), -2, 2, ex));
    c.add(binary("Sub", 17, Mix.WEIGHT_FIRST, d(4), d(2, 3, 4), -2, 2, ex));
    c.add(argMaxOfSum());
    // Data movement on weights: a positional-embedding style Gather of rows, a Slice.
    c.add(onWeight("Gather rows [3,0] of a private weight, plus x", false));
    c.add(onWeight("Slice of a public weight, plus x", true));
    return c;
  }

  private static Case publicInto(String op, String what) {
    String name = what + " opset 17";
    OnnxGraph g = new OnnxGraph(name, 17).publicWeights();
    String x = g.input("x", -2, 2, 1, 3, 2, 2);
    String y = switch (op) {
      case "Concat" -> g.op("Concat", List.of(x, g.weight("w", 1, 1, 2, 2, 2)), i("axis", 1));
      case "Where" -> g.op("Where", List.of(g.op("Greater", List.of(x, g.scalar("zero", 0))),
          g.weight("w", 1, 1, 3, 2, 2), x));
      default -> g.op("BatchNormalization", List.of(x, g.uniform("gamma", 0.5, 1.5, 3),
          g.weight("beta", 0.5, 3), g.weight("mean", 0.3, 3), g.uniform("var", 0.5, 2, 3)));
    };
    g.output(y);
    return g.done(name, Tolerance.EXACT);
  }

  /** ArgMax of a value both parties contributed to (a + b), so the comparison is on shares. */
  private static Case argMaxOfSum() {
    String name = "ArgMax(a:p0 + b:p1) axis=1 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String a = g.input("a", -2, 2, 2, 5);
    String b = g.input("b", -2, 2, 2, 5);
    g.owner("a", 0);
    g.output(g.op("ArgMax", List.of(g.op("Add", List.of(a, b))), i("axis", 1),
        i("keepdims", 0)));
    return g.done(name, Tolerance.EXACT);
  }

  private static Case onWeight(String what, boolean publicWeights) {
    String name = what + " opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    if (publicWeights) {
      g.publicWeights();
    }
    String x = g.input("x", -2, 2, 2, 4);
    String w = g.weight("table", 1, 5, 4);
    String rows = publicWeights
        ? g.op("Slice", List.of(w, g.vec("starts", 1), g.vec("ends", 3), g.vec("axes", 0)))
        : g.op("Gather", List.of(w, g.vec("idx", 3, 0)), i("axis", 0));
    g.output(g.op("Add", List.of(x, rows)));
    return g.done(name, Tolerance.EXACT);
  }
}
