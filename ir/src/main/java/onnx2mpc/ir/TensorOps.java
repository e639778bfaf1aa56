package onnx2mpc.ir;

import static onnx2mpc.ir.OpDef.Comm.LOCAL;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tensor.*} dialect: ONNX semantics with attributes normalized, so that no pass has
 * to know ONNX defaults or opset differences. Normalized means:
 *
 * <ul>
 *   <li>every attribute is present (defaults filled in), integers as {@code long}/{@code long[]},
 *       reals as {@code double};
 *   <li>axes are non-negative and in range; {@code auto_pad} is resolved to explicit
 *       {@code pads};
 *   <li>shapes, starts, ends, split sizes and gather indices are attributes, not operands;
 *   <li>{@code pads} lists all begins then all ends ({@code [x1_begin, x2_begin, ..., x1_end,
 *       x2_end]}), as in ONNX, over the spatial axes (conv, pools) or over every axis (pad).
 * </ul>
 *
 * <p>Elementwise ops broadcast like numpy. Ops whose operand count is {@link OpDef#VARIADIC}
 * either take any number of operands (sum, max, min, concat) or have optional trailing operands;
 * {@link #minOperands} and {@link #maxOperands} give the exact range. The attribute encodings in
 * the {@link OpDef}s are nominal (tensor ops have no kernel); {@link #kindOf} tells the Java type
 * of each attribute value.
 */
public final class TensorOps {
  /** The Java type of an attribute value in {@link Attrs}. */
  public enum AttrKind {
    /** a {@code Long} */
    INT,
    /** a {@code long[]} */
    INTS,
    /** a {@code Double} (may be infinite, e.g. an absent clip bound) */
    REAL,
    /** a {@link Tensor} of integers */
    TENSOR
  }

  private static final Map<String, OpDef> DEFS = new LinkedHashMap<>();
  private static final Map<String, Map<String, AttrKind>> KINDS = new LinkedHashMap<>();
  private static final Map<String, int[]> ARITY = new LinkedHashMap<>();

  private TensorOps() {}

  /** Declares an op; {@code attrs} alternates attribute names and {@link AttrKind}s. */
  private static void def(String shortName, int minIns, int maxIns, int outs, String summary,
      Object... attrs) {
    String name = "tensor." + shortName;
    Map<String, AttrKind> kinds = new LinkedHashMap<>();
    OpDef.AttrSpec[] specs = new OpDef.AttrSpec[attrs.length / 2];
    for (int i = 0; i < attrs.length; i += 2) {
      String a = (String) attrs[i];
      AttrKind k = (AttrKind) attrs[i + 1];
      kinds.put(a, k);
      specs[i / 2] = switch (k) {
        case INT -> OpDef.i(a);
        case REAL -> OpDef.l(a); // IEEE-754 bits, should a kernel ever read it
        case INTS, TENSOR -> OpDef.is(a);
      };
    }
    int ins = minIns == maxIns ? minIns : OpDef.VARIADIC;
    DEFS.put(name, new OpDef(name, ins, outs, List.of(specs), null, LOCAL, summary));
    KINDS.put(name, Collections.unmodifiableMap(kinds));
    ARITY.put(name, new int[] {minIns, maxIns});
  }

  private static final int MANY = Integer.MAX_VALUE;
  private static final AttrKind INT = AttrKind.INT;
  private static final AttrKind INTS = AttrKind.INTS;
  private static final AttrKind REAL = AttrKind.REAL;
  private static final AttrKind TENSOR = AttrKind.TENSOR;

  static {
    // Linear algebra. Conv and pools are 1-D ([N,C,L]) or 2-D ([N,C,H,W]).
    def("gemm", 2, 3, 1, "alpha * A' @ B' + beta * C, A' = transA ? A^T : A (A, B rank 2)",
        "alpha", REAL, "beta", REAL, "transA", INT, "transB", INT);
    def("matmul", 2, 2, 1, "numpy matmul (batch dims broadcast, rank-1 operands promoted)");
    def("conv", 2, 3, 1, "convolution of X [N,C,...] with W [O,C/group,k...], bias B [O]",
        "strides", INTS, "pads", INTS, "dilations", INTS, "group", INT);
    def("conv_transpose", 2, 3, 1,
        "transposed convolution of X [N,C,...] with W [C,O/group,k...], bias B [O];"
            + " out = stride*(in-1) + output_padding + (k-1)*dilation + 1 - pad_begin - pad_end",
        "strides", INTS, "pads", INTS, "dilations", INTS, "group", INT, "output_padding", INTS);
    def("batchnorm", 5, 5, 1, "(X, scale, B, mean, var): scale*(X-mean)/sqrt(var+epsilon)+B"
        + " per channel (axis 1)", "epsilon", REAL);

    // Elementwise arithmetic; integer operands give integer results (div truncates).
    def("add", 2, 2, 1, "a + b");
    def("sub", 2, 2, 1, "a - b");
    def("mul", 2, 2, 1, "a * b");
    def("div", 2, 2, 1, "a / b");
    def("pow", 2, 2, 1, "a ^ b");
    def("neg", 1, 1, 1, "-x");
    def("abs", 1, 1, 1, "|x|");
    def("sign", 1, 1, 1, "-1, 0 or 1");
    def("sum", 1, MANY, 1, "sum of all operands");
    def("max", 1, MANY, 1, "elementwise maximum of all operands");
    def("min", 1, MANY, 1, "elementwise minimum of all operands");

    // Activations and functions.
    def("relu", 1, 1, 1, "max(x, 0)");
    def("leaky_relu", 1, 1, 1, "x < 0 ? alpha * x : x", "alpha", REAL);
    def("clip", 1, 1, 1, "min(max(x, min), max); an absent bound is -inf or +inf",
        "min", REAL, "max", REAL);
    def("sigmoid", 1, 1, 1, "1 / (1 + exp(-x))");
    def("tanh", 1, 1, 1, "tanh(x)");
    def("exp", 1, 1, 1, "e^x");
    def("log", 1, 1, 1, "natural logarithm");
    def("sqrt", 1, 1, 1, "square root");
    def("reciprocal", 1, 1, 1, "1 / x");
    def("erf", 1, 1, 1, "error function");
    def("gelu", 1, 1, 1, "x * (1 + erf(x / sqrt 2)) / 2");
    def("softmax", 1, 1, 1, "exp(x) / sum(exp(x)) along one axis", "axis", INT);
    def("log_softmax", 1, 1, 1, "x - log(sum(exp(x))) along one axis", "axis", INT);

    // Comparisons give bits (0 or 1); where selects with a bit condition.
    def("greater", 2, 2, 1, "a > b");
    def("less", 2, 2, 1, "a < b");
    def("equal", 2, 2, 1, "a == b");
    def("where", 3, 3, 1, "(C, X, Y): C ? X : Y");

    // Pooling over the spatial axes; pads/strides/kernel/dilations have one entry per axis
    // (pads two).
    def("maxpool", 1, 1, 1, "max over windows; padding never wins",
        "kernel", INTS, "strides", INTS, "pads", INTS, "dilations", INTS, "ceil_mode", INT);
    def("averagepool", 1, 1, 1, "mean over windows; the divisor counts padding iff"
        + " count_include_pad", "kernel", INTS, "strides", INTS, "pads", INTS,
        "count_include_pad", INT, "ceil_mode", INT);
    def("globalaveragepool", 1, 1, 1, "mean over all spatial axes, keeping them as size 1");

    // Reductions and normalization.
    def("reduce_sum", 1, 1, 1, "sum over the listed axes (sorted)", "axes", INTS,
        "keepdims", INT);
    def("reduce_mean", 1, 1, 1, "mean over the listed axes (sorted)", "axes", INTS,
        "keepdims", INT);
    def("argmax", 1, 1, 1, "index of the first maximum along axis (integer result)",
        "axis", INT, "keepdims", INT);
    def("layer_norm", 2, 3, 1, "(X, scale[, B]): normalize over axes axis..rank-1, then"
        + " * scale + B", "axis", INT, "epsilon", REAL);

    // Data movement; values are copied, never changed.
    def("reshape", 1, 1, 1, "same elements, new shape (all dims given)", "shape", INTS);
    def("transpose", 1, 1, 1, "output axis i is input axis perm[i]", "perm", INTS);
    def("concat", 1, MANY, 1, "concatenate along axis", "axis", INT);
    def("split", 1, 1, OpDef.VARIADIC, "cut along axis into pieces of the listed sizes"
        + " (one result per piece)", "axis", INT, "split", INTS);
    def("slice", 1, 1, 1, "strided slice over every axis; starts/ends clamped (a negative"
        + " step walks down from start to just above end, end -1 meaning through index 0)",
        "starts", INTS, "ends", INTS, "axes", INTS, "steps", INTS);
    def("gather", 1, 1, 1, "take indices (non-negative) along axis; the result has the"
        + " indices' dims in place of axis", "axis", INT, "indices", TENSOR);
    def("pad", 1, 1, 1, "constant padding (non-negative), begins then ends for every axis",
        "pads", INTS, "value", REAL);
    def("expand", 1, 1, 1, "numpy broadcast to shape (the result's full shape)",
        "shape", INTS);
  }

  /** The definition of a tensor op. */
  public static OpDef get(String name) {
    OpDef d = DEFS.get(name);
    if (d == null) {
      throw new IllegalArgumentException("expected a tensor op, but found '" + name
          + "'; tensor ops are " + DEFS.keySet());
    }
    return d;
  }

  public static boolean isTensor(String name) {
    return DEFS.containsKey(name);
  }

  /** Every tensor op, in declaration order. */
  public static Map<String, OpDef> all() {
    return Collections.unmodifiableMap(DEFS);
  }

  /** The fewest operands the op takes. */
  public static int minOperands(String name) {
    get(name);
    return ARITY.get(name)[0];
  }

  /** The most operands the op takes ({@link Integer#MAX_VALUE} when unbounded). */
  public static int maxOperands(String name) {
    get(name);
    return ARITY.get(name)[1];
  }

  /** The Java type of attribute {@code attr} of op {@code name}. */
  public static AttrKind kindOf(String name, String attr) {
    AttrKind k = KINDS.get(get(name).name()).get(attr);
    if (k == null) {
      throw new IllegalArgumentException("expected an attribute of " + name + " "
          + KINDS.get(name).keySet() + ", but found '" + attr + "'");
    }
    return k;
  }

  /**
   * Checks that a node has an operand count in range and exactly the declared attributes, each
   * of the declared kind.
   *
   * @throws IrException naming the node and the first mismatch
   */
  public static void check(Node n) {
    String op = n.op();
    if (!isTensor(op)) {
      throw new IrException(n, "expected a tensor op, but found '" + op + "'");
    }
    int[] ar = ARITY.get(op);
    int k = n.inputs().size();
    if (k < ar[0] || k > ar[1]) {
      throw new IrException(n, "expected " + ar[0] + (ar[1] == ar[0] ? "" : ar[1] == MANY
          ? " or more" : " to " + ar[1]) + " operands, but found " + k);
    }
    Map<String, AttrKind> kinds = KINDS.get(op);
    for (Map.Entry<String, AttrKind> e : kinds.entrySet()) {
      Object v = n.attrs().get(e.getKey());
      boolean ok = switch (e.getValue()) {
        case INT -> v instanceof Long;
        case INTS -> v instanceof long[];
        case REAL -> v instanceof Double;
        case TENSOR -> v instanceof Tensor;
      };
      if (!ok) {
        throw new IrException(n, "expected attribute '" + e.getKey() + "' of kind "
            + e.getValue() + ", but found " + (v == null ? "none" : Attrs.format(v)));
      }
    }
    for (String a : n.attrs().asMap().keySet()) {
      if (!kinds.containsKey(a)) {
        throw new IrException(n, "expected only attributes " + kinds.keySet()
            + ", but found '" + a + "'");
      }
    }
  }
}
