package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * Building blocks of the approximated functions ({@link ApproxMath}): public scalings and secret
 * products with explicit truncation, Chebyshev interpolants evaluated on shares, and thermometer
 * codes [x >= theta_j] with public linear combinations of their bits.
 *
 * <p>Values are arithmetic shares of flat tensors ([n]); reals are FIXED at scale f (the
 * compile-time precision) between blocks. Public constants are encoded with a few more
 * fractional bits than f ({@link #constScale}) so that their rounding stays below the output's
 * ulp, but no more: with two parties every truncation is the local one, which fails with
 * probability about |value| / 2^64 at the doubled scale, so doubled-scale values are kept near
 * 2^(2f + 6).
 */
final class ApproxKit {
  final MpcBuilder b;
  final Circuits circuits;
  /** Fractional bits of reals between blocks. */
  final int f;
  private String prefix = "approx";
  private int constants;

  ApproxKit(MpcBuilder b, Circuits circuits) {
    this.b = b;
    this.circuits = circuits;
    this.f = b.precision;
  }

  /** Names the public constants emitted from now on after the ONNX node being lowered. */
  void at(String origin) {
    prefix = origin;
  }

  static long encode(double c, int scale) {
    return Math.round(Math.scalb(c, scale));
  }

  /**
   * Fractional bits for a public constant of magnitude about |c|: f + 4 significant bits
   * beyond the output's ulp, so that c * x at scale f + constScale(c) is about |x| 2^(2f + 4).
   */
  int constScale(double c) {
    int e = c == 0 ? 0 : Math.getExponent(c);
    return Math.max(1, Math.min(2 * f + 8, f + 4 - e));
  }

  // ---- shapes ----

  Value reshape(Value v, Shape s) {
    return v.shape().equals(s) ? v : b.op("mpc.reshape", List.of(v), v.type().withShape(s),
        Attrs.NONE);
  }

  Value flat(Value v) {
    return reshape(v, Shape.of(v.shape().size()));
  }

  /** numpy broadcast of v (same rank as out, axes of size 1 expanded). */
  Value expand(Value v, Shape out) {
    return v.shape().equals(out) ? v : b.op("mpc.expand", List.of(v), v.type().withShape(out),
        "inDims", v.shape().dims(), "outDims", out.dims());
  }

  /** A public row [1, J] at the given scale. */
  Value publicRow(String what, double[] c, int scale) {
    return b.constant(prefix + "." + what + constants++, Tensor.reals(Shape.of(1, c.length), c),
        scale, Vis.PUBLIC);
  }

  /** Row j of a [J, n] value, as [n]. */
  Value row(Value v, int j) {
    int rows = v.shape().dim(0);
    int n = v.shape().dim(1);
    Value r = b.op("mpc.slice", List.of(v), v.type().withShape(Shape.of(1, n)), "dims",
        new int[] {rows, n}, "starts", new int[] {j, 0}, "steps", new int[] {1, 1}, "outDims",
        new int[] {1, n});
    return reshape(r, Shape.of(n));
  }

  // ---- arithmetic with explicit scales ----

  /** x * c for a public real c, at x's scale. */
  Value scale(Value x, double c) {
    int cs = constScale(c);
    return b.truncTo(mulConst(x, c, cs), x.type().scale());
  }

  /** x * round(c 2^cs), at x's scale + cs (no truncation). */
  Value mulConst(Value x, double c, int cs) {
    return b.op("mpc.mul_const", List.of(x), Type.fixed(x.shape(), x.type().scale() + cs,
        Vis.ARITH), "c", encode(c, cs));
  }

  /** a x + c for public reals a and c, at x's scale. */
  Value affine(Value x, double a, double c) {
    int cs = constScale(a);
    Value z = mulConst(x, a, cs);
    return b.truncTo(b.addConst(z, encode(c, z.type().scale())), x.type().scale());
  }

  /** x + c for a public real c. */
  Value addReal(Value x, double c) {
    return b.addConst(x, encode(c, x.type().scale()));
  }

  /**
   * x * y (Beaver), truncated to scale {@code target}; a product with a ring integer (a 0/1
   * bit) is exact and needs no truncation.
   */
  Value mul(Value x, Value y, int target) {
    Value z = b.mulAA(x, y);
    return z.type().elem() == Elem.FIXED ? b.truncTo(z, target) : z;
  }

  Value mul(Value x, Value y) {
    return mul(x, y, f);
  }

  // ---- Chebyshev interpolants ----

  /** Nodes used to compute coefficients; far more than any degree we evaluate. */
  private static final int NODES = 128;

  /**
   * Coefficients c_k of the Chebyshev interpolant of fn on [lo, hi] at the NODES Chebyshev
   * nodes: fn(x) ~ sum_k c_k T_k(w), w = (2x - lo - hi) / (hi - lo) (Trefethen, Approximation
   * Theory and Approximation Practice, ch. 3-4). For functions analytic near [lo, hi] the c_k
   * decay geometrically, and sum_{k > d} |c_k| bounds the error of truncating at degree d.
   */
  static double[] chebyshevCoefficients(DoubleUnaryOperator fn, double lo, double hi) {
    double[] y = new double[NODES];
    for (int j = 0; j < NODES; j++) {
      double w = Math.cos(Math.PI * (j + 0.5) / NODES);
      y[j] = fn.applyAsDouble((w + 1) / 2 * (hi - lo) + lo);
    }
    double[] c = new double[NODES];
    for (int k = 0; k < NODES; k++) {
      double s = 0;
      for (int j = 0; j < NODES; j++) {
        s += y[j] * Math.cos(k * Math.PI * (j + 0.5) / NODES);
      }
      c[k] = 2.0 / NODES * s;
    }
    c[0] /= 2;
    return c;
  }

  /** The smallest degree d >= 1 whose truncation error bound sum_{k > d} |c_k| is <= tol. */
  static int degreeFor(double[] c, double tol) {
    double tail = 0;
    int d = c.length - 1;
    while (d > 1 && tail + Math.abs(c[d]) <= tol) {
      tail += Math.abs(c[d]);
      d--;
    }
    return d;
  }

  /** fn on [lo, hi] to absolute error about tol (plus rounding), at scale f. */
  Value chebyshev(Value x, double lo, double hi, DoubleUnaryOperator fn, double tol) {
    double[] c = chebyshevCoefficients(fn, lo, hi);
    return basis(x, lo, hi).eval(c, degreeFor(c, tol), f);
  }

  Basis basis(Value x, double lo, double hi) {
    return new Basis(affine(x, 2 / (hi - lo), -(lo + hi) / (hi - lo)));
  }

  /**
   * T_k(w) computed on demand by T_2k = 2 T_k^2 - 1 and T_2k+1 = 2 T_k+1 T_k - T_1: T_k takes
   * ceil(log2 k) rounds (products of one level run in the same round) and one product, and
   * |T_k| <= 1 on the interval, so no intermediate grows. Several polynomials in the same
   * variable share the T_k.
   */
  final class Basis {
    private final Value[] t = new Value[NODES];

    Basis(Value w) {
      t[1] = w;
    }

    Value get(int k) {
      if (t[k] == null) {
        int hi = (k + 1) / 2;
        int lo = k / 2;
        Value twice = b.mulConst(b.mulAA(get(hi), get(lo)), 2);
        Value z = hi == lo ? b.addConst(twice, -(1L << (2 * f)))
            : b.subAA(twice, b.upscale(get(1), f));
        t[k] = b.truncTo(z, f);
      }
      return t[k];
    }

    /** sum_{k <= degree} c_k T_k, truncated once, to scale {@code target}. */
    Value eval(double[] c, int degree, int target) {
      double norm = 0;
      for (int k = 0; k <= degree; k++) {
        norm += Math.abs(c[k]);
      }
      int cs = constScale(norm) + 2;
      Value acc = null;
      for (int k = 1; k <= degree; k++) {
        if (encode(c[k], cs) == 0) {
          continue;
        }
        Value term = mulConst(get(k), c[k], cs);
        acc = acc == null ? term : b.addAA(acc, term);
      }
      if (acc == null) {
        acc = mulConst(t[1], 0, cs);
      }
      acc = b.addConst(acc, encode(c[0], acc.type().scale()));
      return b.truncTo(acc, target);
    }
  }

  // ---- lookup tables ----

  /**
   * [T(v)] for each table T, for a secret integer v (scale 0) in the window [lo, lo + size),
   * with T(lo + i) = T[i] (size a power of two, the same for every table): the parties open
   * v - lo masked by the dealer's r and combine their shares of r's one-hot code with each
   * public table (runtime {@code Lut}): one opening, 8 bytes per element and party, and 8 size
   * bytes per element from the dealer, whatever the number of tables. Outside the window the
   * result is T at v modulo the window's length, so callers mask it (see
   * {@link ApproxMath#exp}).
   */
  List<Value> lookup(Value v, int lo, int scale, double[]... tables) {
    int size = tables[0].length;
    if (Integer.bitCount(size) != 1 || size < 2) {
      throw new IllegalArgumentException("lookup: expected a power-of-two table, but found "
          + size + " values");
    }
    int bits = Integer.numberOfTrailingZeros(size);
    int n = v.shape().size();
    Value flat = reshape(v, Shape.of(n));
    List<Value> d = b.dealer("mpc.dealer.onehot", List.of(flat.type().withVis(Vis.ARITH),
        Type.integer(Shape.of(size, n), Vis.ARITH)), "n", n, "bits", bits);
    Value c = b.open(b.addAA(b.addConst(flat, -lo), d.get(0)));
    List<Value> out = new ArrayList<>();
    for (double[] values : tables) {
      if (values.length != size) {
        throw new IllegalArgumentException("lookup: expected tables of " + size + " values, but"
            + " found one of " + values.length);
      }
      long[] table = new long[size];
      for (int i = 0; i < size; i++) {
        table[i] = encode(values[i], scale);
      }
      out.add(reshape(b.op("mpc.lut", List.of(c, d.get(1)),
          Type.fixed(Shape.of(n), scale, Vis.ARITH), "n", n, "bits", bits, "table",
          MpcBuilder.intPairs(table)), v.shape()));
    }
    return out;
  }

  // ---- thermometer codes ----

  /**
   * Bits [s_j x >= theta_j] as ring integers 0/1 of shape [J, n], for x of shape [n], public
   * thresholds theta_j (at x's scale) and signs s_j = -1 where {@code negated[j]} (those rows
   * last). The rows of each sign share one masked opening of s x and one set of the dealer's
   * monomials (Circuits.atLeastBits), and all rows take the rounds of one comparison.
   * Exact for |s_j x - theta_j| < 2^(COMPARE_BITS - 1) ring units (2^19 with f = 16).
   */
  Thermometer atLeast(Value x, double[] theta, boolean[] negated) {
    int n = x.shape().size();
    int rows = theta.length;
    int neg = 0;
    for (boolean z : negated) {
      neg += z ? 1 : 0;
    }
    for (int j = 0; j < rows; j++) {
      if (negated[j] != (j >= rows - neg)) {
        throw new IllegalArgumentException("atLeast: negated rows must come last");
      }
    }
    Value flat = reshape(x, Shape.of(n));
    int scale = x.type().scale();
    List<Value> parts = new ArrayList<>();
    if (rows - neg > 0) {
      parts.add(atLeastRows(flat, theta, 0, rows - neg, scale));
    }
    if (neg > 0) {
      parts.add(atLeastRows(b.neg(flat), theta, rows - neg, rows, scale));
    }
    return new Thermometer(parts);
  }

  /**
   * Thermometer bits [J, n] as ring integers 0/1, in row blocks (those of x, then those of -x)
   * that stay apart: joining them would copy every row (216 MB for a 1M-element reciprocal's 27
   * rows), and {@link #combine} and {@link #row} read the blocks where they are.
   */
  record Thermometer(List<Value> blocks) {
    int rows() {
      return blocks.stream().mapToInt(v -> v.shape().dim(0)).sum();
    }
  }

  /** Row j of the thermometer, shape [n]. */
  Value row(Thermometer bits, int j) {
    for (Value block : bits.blocks()) {
      int rows = block.shape().dim(0);
      if (j < rows) {
        return row(block, j);
      }
      j -= rows;
    }
    throw new IllegalArgumentException("row " + j + " past the thermometer's last row");
  }

  /** [x >= theta_j] for j in [from, to), as arithmetic bits [to - from, n]. */
  private Value atLeastRows(Value x, double[] theta, int from, int to, int scale) {
    long[] t = new long[to - from];
    for (int j = from; j < to; j++) {
      t[j - from] = encode(theta[j], scale);
    }
    return circuits.b2a(circuits.atLeastBits(x, t), Shape.of(to - from, x.shape().size()));
  }

  /**
   * Weights w_j = g_j - g_(j-1) (g_(-1) = below) with every level g_j first rounded to the
   * scale's grid, so that the weights of a thermometer code telescope exactly in the ring:
   * sum_{j <= i} w_j = round(g_i) even where the levels are below one ulp.
   */
  static double[] steps(double[] level, double below, int scale) {
    double[] w = new double[level.length];
    double prev = grid(below, scale);
    for (int j = 0; j < level.length; j++) {
      double cur = grid(level[j], scale);
      w[j] = cur - prev;
      prev = cur;
    }
    return w;
  }

  static double grid(double v, int scale) {
    return Math.scalb((double) encode(v, scale), -scale);
  }

  /**
   * base + sum_j c_j bits_j, shape [n], at the given scale, as one public [1, J_b] x [J_b, n]
   * product per block of rows: the [J, n] terms (and a [J, n] expansion of the weights) never
   * exist. With the blocks kept apart too, a 1M-element reciprocal plans 598 instead of 841 MiB
   * at its peak.
   */
  Value combine(Thermometer bits, double[] c, double base, int scale) {
    if (c.length != bits.rows()) {
      throw new IllegalArgumentException("combine: expected " + bits.rows() + " weights, but found "
          + c.length);
    }
    Value sum = null;
    int from = 0;
    for (Value block : bits.blocks()) {
      int rows = block.shape().dim(0);
      int n = block.shape().dim(1);
      Value w = publicRow("weights", Arrays.copyOfRange(c, from, from + rows), scale);
      Value part = reshape(b.op("mpc.matmul_pa", List.of(w, block),
          MpcBuilder.productType(w, block, Shape.of(1, n)), "mm",
          new int[] {1, 1, rows, n, 0, 0}), Shape.of(n));
      sum = sum == null ? part : b.addAA(sum, part);
      from += rows;
    }
    return b.addConst(sum, encode(base, scale));
  }
}
