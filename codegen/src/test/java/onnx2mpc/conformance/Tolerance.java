package onnx2mpc.conformance;

/**
 * How far an output may be from the oracle's: {@code |got - want| <= abs + rel * |want|}.
 *
 * <p>The numbers are per op family. Exact ops lose only fixed-point roundings: 16 fractional
 * bits give an ulp of 2^-16 = 1.5e-5, and a truncation after each product costs at most one or
 * two ulps, so 1e-3 absolute leaves room for a few dozen of them on values of order 1. The
 * approximated functions are held to the accuracy docs/approximations.md states for them on
 * their documented input ranges (the cases draw inputs from exactly those ranges).
 *
 * @param family the name the measured errors are reported under
 */
record Tolerance(String family, double abs, double rel) {
  /**
   * A few ulps of 16-bit fixed point, added to every relative tolerance so that outputs near
   * zero are not held to less than the encoding can represent.
   */
  static final double ULPS = 1e-4;

  /**
   * Linear algebra, data movement, relu, max, pools, comparisons: a few fixed-point ulps per
   * layer, 1e-3 absolute for values of order 1.
   */
  static final Tolerance EXACT = new Tolerance("exact", 1e-3, 0);
  /** exp: 2% relative on [-4, 4] (CrypTen's limit approximation or range reduction). */
  static final Tolerance EXP = new Tolerance("exp", ULPS, 0.02);
  /** reciprocal: 1% relative on [0.1, 10] (Newton-Raphson from an exp-based start). */
  static final Tolerance RECIPROCAL = new Tolerance("reciprocal", ULPS, 0.01);
  /** Division by a secret is a product with the reciprocal, so it inherits its 1%. */
  static final Tolerance DIV_SECRET = new Tolerance("div-secret", ULPS, 0.01);
  /** log: 1e-2 absolute on [0.1, 10] (Householder iterations). */
  static final Tolerance LOG = new Tolerance("log", 1e-2, 0);
  /** sqrt: 1% relative on [0.1, 10] (inverse-sqrt Newton iterations). */
  static final Tolerance SQRT = new Tolerance("sqrt", ULPS, 0.01);
  /** sigmoid: 1e-2 absolute on [-6, 6] (through the reciprocal). */
  static final Tolerance SIGMOID = new Tolerance("sigmoid", 1e-2, 0);
  /** tanh: 1e-2 absolute on [-6, 6] (2 sigmoid(2x) - 1). */
  static final Tolerance TANH = new Tolerance("tanh", 1e-2, 0);
  /** softmax: 1e-2 absolute (max subtraction, exp, sum, reciprocal). */
  static final Tolerance SOFTMAX = new Tolerance("softmax", 1e-2, 0);
  /**
   * log-softmax: not in the documented table; it is x - max - log(sum exp), so the log's 1e-2
   * plus the exp's 2% relative inside the log (log 1.02 = 0.02) bound it: 3e-2 absolute.
   */
  static final Tolerance LOG_SOFTMAX = new Tolerance("log-softmax", 3e-2, 0);
  /** erf: 2e-2 absolute. */
  static final Tolerance ERF = new Tolerance("erf", 2e-2, 0);
  /** gelu = x (1 + erf(x / sqrt 2)) / 2: 2e-2 absolute on [-4, 4]. */
  static final Tolerance GELU = new Tolerance("gelu", 2e-2, 0);
  /**
   * layer normalization: not in the documented table; (x - mean) * rsqrt(var + eps) carries
   * the inverse square root's 1% on normalized values of at most a few units, so 1e-2 absolute
   * plus 2% relative.
   */
  static final Tolerance LAYER_NORM = new Tolerance("layer-norm", 1e-2, 0.02);

  boolean accepts(double got, double want) {
    return Math.abs(got - want) <= abs + rel * Math.abs(want);
  }

  /** The same bound for a model of {@code layers} such steps in a row (errors add up). */
  Tolerance times(int layers) {
    return new Tolerance(family, abs * layers, rel * layers);
  }

  /** The same bound reported under another family name (a model, say). */
  Tolerance as(String name) {
    return new Tolerance(name, abs, rel);
  }

  @Override
  public String toString() {
    return family + " (" + (abs > 0 ? "abs " + abs : "") + (abs > 0 && rel > 0 ? " + " : "")
        + (rel > 0 ? "rel " + rel : "") + ")";
  }
}
