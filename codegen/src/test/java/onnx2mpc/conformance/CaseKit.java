package onnx2mpc.conformance;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.List;

/**
 * Builders for the common case shapes: one op on one input, and one binary op over each mix of
 * operand visibilities the compiler has to handle.
 */
final class CaseKit {
  private CaseKit() {}

  /**
   * Where a binary op's operands come from, hence what the compiler sees: private values of
   * different parties (shared before use), private values of one party, the weights owner's
   * private initializer, a public initializer, or a public scalar constant.
   */
  enum Mix {
    /** a from party 0, b from party 1: both become shares. */
    SHARED("a:p0 x b:p1"),
    /** a and b both from party 1. */
    SAME_OWNER("a:p1 x b:p1"),
    /** b an initializer of party 0 (weights owner), a from party 1. */
    PRIVATE_WEIGHT("a:p1 x w:p0"),
    /** b an initializer compiled as public. */
    PUBLIC_WEIGHT("a:p1 x w:public"),
    /** the initializer first: w (party 0) op b (party 1). */
    WEIGHT_FIRST("w:p0 x b:p1"),
    /** b a rank-0 constant, public by the ownership rule. */
    PUBLIC_SCALAR("a:p1 x scalar");

    final String label;

    Mix(String label) {
      this.label = label;
    }
  }

  /** {@code opType} on one input of {@code dims} drawn from [lo, hi). */
  static Case unary(String opType, int opset, double lo, double hi, long[] dims, Tolerance tol,
      AttributeProto... attrs) {
    String name = opType + " [" + lo + ", " + hi + ") " + (attrs.length == 0 ? ""
        : attrText(attrs) + " ") + "opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", lo, hi, dims);
    g.output(g.op(opType, List.of(x), attrs));
    return g.done(name, tol);
  }

  /**
   * {@code opType(a, b)} with a of {@code aDims} and b of {@code bDims} (broadcast), both drawn
   * from [lo, hi); for {@link Mix#PUBLIC_SCALAR} b is a scalar drawn from the same range.
   */
  static Case binary(String opType, int opset, Mix mix, long[] aDims, long[] bDims, double lo,
      double hi, Tolerance tol) {
    String name = opType + " " + mix.label + " " + dims(aDims) + "," + dims(bDims) + " opset "
        + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String a;
    String b;
    switch (mix) {
      case SHARED -> {
        a = g.input("a", lo, hi, aDims);
        b = g.input("b", lo, hi, bDims);
        g.owner("a", 0).owner("b", 1);
      }
      case SAME_OWNER -> {
        a = g.input("a", lo, hi, aDims);
        b = g.input("b", lo, hi, bDims);
      }
      case PRIVATE_WEIGHT -> {
        a = g.input("a", lo, hi, aDims);
        b = g.uniform("w", lo, hi, bDims);
      }
      case PUBLIC_WEIGHT -> {
        a = g.input("a", lo, hi, aDims);
        b = g.uniform("w", lo, hi, bDims);
        g.publicWeights();
      }
      case WEIGHT_FIRST -> {
        a = g.uniform("w", lo, hi, aDims);
        b = g.input("b", lo, hi, bDims);
      }
      case PUBLIC_SCALAR -> {
        a = g.input("a", lo, hi, aDims);
        b = g.scalar("s", (float) (lo + (hi - lo) * 0.6180339887));
      }
      default -> throw new IllegalArgumentException("expected a mix, but found " + mix);
    }
    g.output(g.op(opType, List.of(a, b)));
    return g.done(name, tol);
  }

  static long[] d(long... dims) {
    return dims;
  }

  static String dims(long[] dims) {
    return java.util.Arrays.toString(dims).replace(" ", "");
  }

  private static String attrText(AttributeProto[] attrs) {
    StringBuilder sb = new StringBuilder();
    for (AttributeProto a : attrs) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(a.getName()).append('=');
      switch (a.getType()) {
        case INT -> sb.append(a.getI());
        case FLOAT -> sb.append(a.getF());
        case INTS -> sb.append(a.getIntsList().toString().replace(" ", ""));
        case STRING -> sb.append(a.getS().toStringUtf8());
        default -> sb.append(a.getType());
      }
    }
    return sb.toString();
  }
}
