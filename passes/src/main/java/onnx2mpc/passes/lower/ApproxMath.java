package onnx2mpc.passes.lower;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.interp.SpecialFunctions;

/**
 * The approximated functions on arithmetic shares of flat tensors ([n], FIXED at scale f).
 *
 * <p>CrypTen's methods (crypten/common/functions/approximations.py) are the baseline: exp by the
 * limit (1 + x/2^8)^(2^8), reciprocal by 10 Newton steps from 3 exp(1 - 2x) + 0.003, log by
 * Householder steps, sqrt by Newton steps on 1/sqrt, sigmoid through the reciprocal, erf by its
 * Taylor series. Their errors grow away from 0 (exp: relative x^2 / 2^9, 7% at x = 6; erf's
 * series diverges beyond |x| ~ 2; sqrt is off by 30% at 0.01), so, as DESIGN.md proposes, every
 * function here first reduces its argument to a short interval and then evaluates a Chebyshev
 * interpolant there, which at a given degree is within a small factor of the best polynomial:
 *
 * <ul>
 *   <li>exp(x) = 2^k 2^r with k = trunc(x log2 e) (a truncation, off by at most 1, so r lies in
 *       (-1, 2)), 2^r by a polynomial, 2^k from a public table on the one-hot code of the
 *       dealer's mask of k (one opening), cut to its window by two comparison bits;
 *   <li>1/x, sqrt x, 1/sqrt x, log x: x = m 4^p with m in [1, 4), p from the bits [x >= 4^i];
 *       4^-p, 2^p, 2^-p and p ln 4 are linear in those bits, m = x 4^-p is one product, and
 *       1/m, sqrt m, 1/sqrt m, log m are polynomials on [1, 4];
 *   <li>sigmoid from exp(-|x|) and a reciprocal on [1, 3], using sigmoid(x) = 1 - sigmoid(-x);
 *   <li>erf by a polynomial on [-R, R] after clamping x there.
 * </ul>
 *
 * Interpolation degrees are chosen at compile time for an error below 2^-(f+3) relative to the
 * function's scale, so the result is within a few ulps plus the input's own rounding. Out of
 * the documented ranges results are bounded but meaningless; see docs/approximations.md.
 */
final class ApproxMath {
  /**
   * exp is exact to rounding for x < EXP_MAX_LOG2 ln 2 = 9.7 (k = trunc(x log2 e) may round up);
   * above, it saturates to 2^EXP_MAX_LOG2 2^r, between 2^13 and 2^16.
   */
  static final int EXP_MAX_LOG2 = 14;
  /** Range of r = t - trunc(t): (-1, 1) for the local truncation, [0, 2) for the dealer's. */
  static final double FRAC_LO = -1.05;
  static final double FRAC_HI = 2.05;
  /** Reciprocal range: 4^RECIPROCAL_MIN_LOG4 <= |x| < 4^(NORM_MAX_LOG4 + 1). */
  static final int RECIPROCAL_MIN_LOG4 = -4;
  /** Normalisation ranges end at 4^(NORM_MAX_LOG4 + 1) = 2^18, inside the comparisons' 2^19. */
  static final int NORM_MAX_LOG4 = 8;
  /** erf is clamped to [-ERF_CLAMP, ERF_CLAMP]; 1 - erf(3.2) = 6e-6. */
  static final double ERF_CLAMP = 3.2;
  /**
   * Up to this degree (5 rounds) a polynomial on a known range [lo, hi] beats normalising
   * first (a comparison circuit, 8 rounds, then a product and a polynomial).
   */
  static final int MAX_DIRECT_DEGREE = 32;

  private static final double LOG2E = 1 / Math.log(2);
  private static final double LN4 = Math.log(4);

  private final ApproxKit kit;
  private final MpcBuilder b;
  private final int f;
  /** Target interpolation error for functions of order 1. */
  private final double tol;

  ApproxMath(ApproxKit kit) {
    this.kit = kit;
    this.b = kit.b;
    this.f = kit.f;
    this.tol = Math.scalb(1.0, -(f + 3));
  }

  /** Smallest exponent of the normalisations: 4^minLog4 is the smallest positive real (1 ulp). */
  int minLog4() {
    return -(f + 1) / 2;
  }

  // ---- exp ----

  /** t = a x log2(e) at scale f, with k = trunc(t) (scale 0) and r = t - k in (-1, 2). */
  private Value[] splitLog2(Value x, double a) {
    Value z = kit.mulConst(x, a * LOG2E, f + 2);
    if (b.parties == 2) {
      // z is |t| 2^34 ring units, and SecureML's local truncation fails with probability
      // |z| / 2^64 per element (measured: one wrong element in about 25 runs of a 1M-element
      // sigmoid). The dealer truncates z; k then comes from t (|t| 2^16 units, locally), at
      // the cost of one round.
      Value t = b.truncExact(z, f);
      Value kk = b.truncTo(t, 0);
      return new Value[] {kk, b.subAA(t, b.upscale(kk, f))};
    }
    Value t = b.truncTo(z, f);
    Value kk = b.truncTo(z, 0);
    return new Value[] {kk, b.subAA(t, b.upscale(kk, f))};
  }

  /**
   * e^x for x below kmax ln 2 (saturating at 2^kmax 2^r above): 2^k 2^r, with 2^k for k from
   * -f (2^k for k < -f is below one ulp) to kmax from the dealer's one-hot code of k (8 bytes
   * per entry and element), cut by bits of one comparison circuit. Two layouts, whichever
   * needs the smaller code:
   * <ul>
   *   <li>one table over k = -f, -f + 1, ..., the smallest power of two that reaches kmax - 1,
   *       with lo = [k >= -f] and hi = [k >= top], top = min(-f + its size, kmax + 1):
   *       2^k = (lo - hi) T(k) + hi 2^kmax. Where kmax + f is itself a power of two (softmax's
   *       kmax = 0 with f = 16) the saturation bit serves k = kmax exactly, and 16 entries do.
   *   <li>two tables on one code of k modulo m, the smallest power of two at least f and
   *       kmax, one for k < 0 and one for k >= 0 (each side alone has at most m values):
   *       2^k = ([k >= -f] - [k >= 0]) A(k) + ([k >= 0] - [k > kmax]) B(k) + [k > kmax] 2^kmax.
   *       Exp's kmax = 14 with f = 16 takes 16 entries instead of 32, for one more product in
   *       the round that has one (16 bytes more per element and party online, 128 fewer from
   *       the dealer).
   * </ul>
   * Rounds: the comparison (the table's opening travels with its first round) and two products
   * after the truncation; relative error ~ 2^-f.
   */
  Value exp(Value x, int kmax) {
    Value[] kr = splitLog2(x, 1);
    Value p = kit.chebyshev(kr[1], FRAC_LO, FRAC_HI, u -> Math.pow(2, u), tol / 2);
    int kmin = -f;
    int oneTable = Math.max(2, Integer.highestOneBit(2 * (kmax - kmin) - 1));
    if (kmax > 0 && sideTableSize(kmin, kmax + 1) < oneTable) {
      Sides s = sides(kr[0], kmin, kmax + 1, k -> Math.scalb(1.0, k), k -> Math.scalb(1.0, k));
      Value saturated = kit.combine(s.bits(), new double[] {0, 0, Math.scalb(1.0, kmax)}, 0, f);
      return kit.mul(p, b.addAA(b.addAA(kit.mul(s.below(), s.negative()),
          kit.mul(s.above(), s.nonNegative())), saturated));
    }
    double[] level = new double[oneTable];
    for (int i = 0; i < level.length; i++) {
      level[i] = Math.scalb(1.0, kmin + i);
    }
    int top = Math.min(kmin + level.length, kmax + 1);
    Value table = kit.lookup(kr[0], kmin, f, level).get(0);
    ApproxKit.Thermometer bits =
        kit.atLeast(kr[0], new double[] {kmin, top}, new boolean[2]);
    Value inside = kit.combine(bits, new double[] {1, -1}, 0, 0);
    Value saturated = kit.combine(bits, new double[] {0, Math.scalb(1.0, kmax)}, 0, f);
    return kit.mul(p, b.addAA(kit.mul(inside, table), saturated));
  }

  /**
   * A function of the integer k given on each side of 0 (lo <= k < 0 and 0 <= k < hi): the two
   * tables on one code of k modulo {@link #sideTableSize} (each side alone has at most that many
   * values, so neither table collides with itself), and the thermometer bits [k >= lo],
   * [k >= 0], [k >= hi] of one comparison circuit, with below = [lo <= k < 0] and above =
   * [0 <= k < hi] that pick the side.
   */
  private record Sides(Value negative, Value nonNegative, ApproxKit.Thermometer bits,
      Value below, Value above) {}

  /** The smallest power of two (at least 2) holding either side of [lo, 0) and [0, hi). */
  private static int sideTableSize(int lo, int hi) {
    return Math.max(2, Integer.highestOneBit(2 * Math.max(-lo, hi) - 1));
  }

  private Sides sides(Value k, int lo, int hi, IntToDoubleFunction negative,
      IntToDoubleFunction nonNegative) {
    int size = sideTableSize(lo, hi);
    double[] neg = new double[size];
    double[] pos = new double[size];
    for (int j = lo; j < hi; j++) {
      // The lookup reads entry (k - lo) mod size for k.
      int i = Math.floorMod(j - lo, size);
      if (j < 0) {
        neg[i] = negative.applyAsDouble(j);
      } else {
        pos[i] = nonNegative.applyAsDouble(j);
      }
    }
    List<Value> t = kit.lookup(k, lo, f, neg, pos);
    ApproxKit.Thermometer bits = kit.atLeast(k, new double[] {lo, 0, hi}, new boolean[3]);
    return new Sides(t.get(0), t.get(1), bits, kit.combine(bits, new double[] {1, -1, 0}, 0, 0),
        kit.combine(bits, new double[] {0, 1, -1}, 0, 0));
  }

  // ---- sigmoid, tanh ----

  /**
   * sigmoid(a x). With t = -a x log2 e = k + r and q = [k >= 0]: if q = 0 then E = 2^t =
   * e^(-ax), else E = 2^-t = e^(ax); in both cases E < 2 (t < 1, resp. t > -1), so d = 1 + E
   * lies in (1, 3), where 1/d is a short polynomial, and sigmoid(ax) = q ? 1 - 1/d : 1/d.
   * E = [-f <= k < 0] 2^k 2^r + [0 <= k < f] 2^-k 2^-r (outside, both are below one ulp): the
   * two brackets are thermometer combinations of the comparison bits [k >= -f], [k >= 0] = q
   * and [k >= f], and the powers two tables on one code of k modulo m, the smallest power of
   * two at least f (16 entries instead of the 2f = 32 a table over the whole window takes:
   * each side alone has at most m values, and the brackets pick the side); 2^r and 2^-r share
   * their Chebyshev basis (T_k(-w) = (-1)^k T_k(w)). This is CrypTen's sigmoid (reciprocal of
   * 1 + exp(-x), crypten/common/functions/approximations.py) evaluated on the side where
   * exp(-|x|) <= 2, without a separate abs.
   */
  Value sigmoid(Value x, double a) {
    Value[] kr = splitLog2(x, -a);
    ApproxKit.Basis basis = kit.basis(kr[1], FRAC_LO, FRAC_HI);
    double[] up = ApproxKit.chebyshevCoefficients(u -> Math.pow(2, u), FRAC_LO, FRAC_HI);
    double[] down = ApproxKit.chebyshevCoefficients(u -> Math.pow(2, -u), FRAC_LO, FRAC_HI);
    Value pUp = basis.eval(up, ApproxKit.degreeFor(up, tol / 2), f);
    Value pDown = basis.eval(down, ApproxKit.degreeFor(down, tol / 2), f);
    Sides s = sides(kr[0], -f, f, k -> Math.scalb(1.0, k), k -> Math.scalb(1.0, -k));
    Value e = b.addAA(kit.mul(s.below(), kit.mul(s.negative(), pUp)),
        kit.mul(s.above(), kit.mul(s.nonNegative(), pDown)));
    Value r = kit.chebyshev(kit.addReal(e, 1), 1, 3, d -> 1 / d, tol);
    Value q = kit.row(s.bits(), 1);
    Value flip = b.addConst(b.mulConst(r, -2), ApproxKit.encode(1, f));
    return b.addAA(r, kit.mul(q, flip));
  }

  Value sigmoid(Value x) {
    return sigmoid(x, 1);
  }

  /** tanh x = 2 sigmoid(2x) - 1 (CrypTen's identity). */
  Value tanh(Value x) {
    Value s = sigmoid(x, 2);
    return b.addConst(b.mulConst(s, 2), -ApproxKit.encode(1, f));
  }

  // ---- normalisation: x = m 4^p, m in [1, 4) ----

  /** The bits [x >= 4^i] (and, if signed, [-x >= 4^i] and [x >= 0]) of one input. */
  final class Normalized {
    final ApproxKit.Thermometer bits;
    final int lo;
    final int hi;
    final boolean signed;

    Normalized(Value x, int lo, int hi, boolean signed) {
      this.lo = lo;
      this.hi = hi;
      this.signed = signed;
      int levels = hi - lo + 1;
      int rows = signed ? 2 * levels + 1 : levels;
      double[] theta = new double[rows];
      boolean[] neg = new boolean[rows];
      for (int i = 0; i < levels; i++) {
        theta[i] = Math.pow(4, lo + i);
        if (signed) {
          // Rows: +x >= 4^i, then x >= 0, then -x >= 4^i (negated rows last).
          theta[levels + 1 + i] = theta[i];
          neg[levels + 1 + i] = true;
        }
      }
      this.bits = kit.atLeast(x, theta, neg);
    }

    /**
     * sign(x) g(p) with p = floor(log4 |x|) clamped to [lo - 1, hi]: g(lo - 1) + sum_i [|x| >= 4^i]
     * (g(i) - g(i - 1)); for signed inputs the same times 2[x >= 0] - 1, still linear in the
     * bits because only one of [x >= 4^i], [-x >= 4^i] can be set.
     */
    Value of(IntToDoubleFunction g, int scale) {
      int levels = hi - lo + 1;
      double[] level = new double[levels];
      double below = ApproxKit.grid(g.applyAsDouble(lo - 1), scale);
      for (int i = 0; i < levels; i++) {
        level[i] = g.applyAsDouble(lo + i);
      }
      double[] step = ApproxKit.steps(level, below, scale);
      double[] w = new double[bits.rows()];
      for (int i = 0; i < levels; i++) {
        w[i] = step[i];
        if (signed) {
          w[levels + 1 + i] = -step[i];
        }
      }
      if (signed) {
        w[levels] = 2 * below;
        return kit.combine(bits, w, -below, scale);
      }
      return kit.combine(bits, w, below, scale);
    }
  }

  /** floor(log4 v). */
  private static int log4(double v) {
    return (int) Math.floor(Math.log(v) / LN4);
  }

  /** Scale of 4^-p for p in [lo - 1, hi]: exact down to 4^-hi. */
  private int powerScale(int hi) {
    return Math.max(f, 2 * hi + 2);
  }

  /**
   * 1/x for 4^lo <= |x| < 4^(hi + 1), any sign when {@code signed}: s = sign(x)
   * 4^-p, m = x s in [1, 4), 1/x = s / m with 1/m a polynomial on [1, 4]. Replaces CrypTen's
   * Newton iteration from 3 exp(1 - 2x) + 0.003 (approximations.py reciprocal), which needs 10
   * steps (20 rounds) and still only covers about [0.1, 200]; normalising first is what
   * DESIGN.md proposes. |x| below 4^lo, and 0, give a bounded wrong value.
   */
  Value reciprocal(Value x, int lo, int hi, boolean signed) {
    Normalized nx = new Normalized(x, lo, hi, signed);
    Value s = nx.of(p -> Math.pow(4, -Math.max(p, lo)), powerScale(hi));
    Value m = kit.mul(x, s);
    Value inv = kit.chebyshev(m, 1, 4, v -> 1 / v, tol / 4);
    return refineReciprocal(x, kit.mul(inv, s));
  }

  /**
   * One Newton step y' = y + y e, e = 1 - x y (CrypTen's reciprocal iteration), with x y kept
   * at scale 2f (an exact Beaver product) so that e is not rounded to f bits: the polynomial's
   * error, multiplied by 4^-p up to 2^8, shrinks to its square plus one ulp.
   */
  private Value refineReciprocal(Value x, Value y) {
    Value e = b.truncTo(b.addConst(b.neg(b.mulAA(x, y)), 1L << (2 * f)), f + 8);
    return b.addAA(y, kit.mul(y, e));
  }

  Value reciprocal(Value x) {
    return reciprocal(x, RECIPROCAL_MIN_LOG4, NORM_MAX_LOG4, true);
  }

  /** 1/x for x known to lie in [lo, hi] (0 < lo): one polynomial when short, else normalised. */
  Value reciprocalIn(Value x, double lo, double hi) {
    double[] c = ApproxKit.chebyshevCoefficients(v -> 1 / v, lo, hi);
    int d = ApproxKit.degreeFor(c, tol / hi);
    if (d <= MAX_DIRECT_DEGREE) {
      return kit.basis(x, lo, hi).eval(c, d, f);
    }
    return reciprocal(x, log4(lo), log4(hi), false);
  }

  /**
   * sqrt x for 0 <= x < 2^18: m = x 4^-p in [1, 4), sqrt x = 2^p sqrt m; 2^p is 0 below one ulp,
   * so sqrt 0 = 0. CrypTen computes x * inv_sqrt(x) with 3 Newton steps from
   * 2.2 exp(-(x/2 + 0.2)) + 0.2 - x/1024, which is 30% off at 0.01.
   */
  Value sqrt(Value x) {
    int lo = minLog4();
    Normalized nx = new Normalized(x, lo, NORM_MAX_LOG4, false);
    Value s = nx.of(p -> Math.pow(4, -Math.max(p, lo)), powerScale(NORM_MAX_LOG4));
    Value root = kit.chebyshev(kit.mul(x, s), 1, 4, Math::sqrt, tol);
    return kit.mul(root, nx.of(p -> p < lo ? 0 : Math.pow(2, p), f));
  }

  /** 1/sqrt x for 4^lo <= x < 2^18 (layer normalisation); 0 below 4^lo. */
  Value invSqrt(Value x, int lo) {
    Normalized nx = new Normalized(x, lo, NORM_MAX_LOG4, false);
    Value s = nx.of(p -> Math.pow(4, -Math.max(p, lo)), powerScale(NORM_MAX_LOG4));
    Value inv = kit.chebyshev(kit.mul(x, s), 1, 4, v -> 1 / Math.sqrt(v), tol / 2);
    int ts = Math.max(f, -lo + 2);
    Value t = nx.of(p -> p < lo ? 0 : Math.pow(2, -p), ts);
    return kit.mul(inv, t, f);
  }

  /**
   * log x for 1 ulp <= x < 2^18: log x = p ln 4 + log m, m in [1, 4); p ln 4 is linear in the
   * bits, so this costs one comparison, one product and a polynomial. CrypTen's Householder
   * iteration (approximations.py log: 2 steps of order 8 from x/120 - 20 exp(-2x - 1) + 3)
   * needs an exp per step and inherits its error.
   */
  Value log(Value x, int lo, int hi) {
    Normalized nx = new Normalized(x, lo, hi, false);
    Value s = nx.of(p -> Math.pow(4, -p), powerScale(hi));
    Value lm = kit.chebyshev(kit.mul(x, s), 1, 4, Math::log, tol);
    return b.addAA(lm, nx.of(p -> p * LN4, f));
  }

  Value log(Value x) {
    return log(x, minLog4(), NORM_MAX_LOG4);
  }

  /** log x for x known to lie in [lo, hi] (0 < lo). */
  Value logIn(Value x, double lo, double hi) {
    double[] c = ApproxKit.chebyshevCoefficients(Math::log, lo, hi);
    int d = ApproxKit.degreeFor(c, tol);
    if (d <= MAX_DIRECT_DEGREE) {
      return kit.basis(x, lo, hi).eval(c, d, f);
    }
    return log(x, log4(lo), log4(hi));
  }

  // ---- erf, gelu ----

  /**
   * erf(clamp(x, -R, R)) by a Chebyshev interpolant (degree about 23 for R = 3.2). The clamp is
   * x - relu(x - R) + relu(-x - R), both relus in one comparison circuit. CrypTen sums 8 terms
   * of the Taylor series (approximations.py erf), which is fine below |x| ~ 1.5 only.
   */
  Value erf(Value x) {
    int n = x.shape().size();
    Value both = b.op("mpc.concat", List.of(kit.addReal(x, -ERF_CLAMP),
        kit.addReal(b.neg(x), -ERF_CLAMP)), x.type().withShape(Shape.of(2 * n)), "outer", 1,
        "inners", new int[] {n, n});
    Value r = kit.reshape(kit.circuits.relu(kit.reshape(both, Shape.of(2, n))), Shape.of(2, n));
    Value xc = b.addAA(b.subAA(x, kit.row(r, 0)), kit.row(r, 1));
    return kit.chebyshev(xc, -ERF_CLAMP, ERF_CLAMP, SpecialFunctions::erf, tol);
  }

  /** gelu x = x (1 + erf(x / sqrt 2)) / 2, the exact form ONNX Gelu (approximate="none") uses. */
  Value gelu(Value x) {
    Value e = erf(kit.scale(x, 1 / Math.sqrt(2)));
    return kit.scale(b.addAA(x, kit.mul(x, e)), 0.5);
  }
}
