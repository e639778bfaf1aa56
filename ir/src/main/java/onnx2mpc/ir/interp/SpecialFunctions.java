package onnx2mpc.ir.interp;

/** Real functions that {@link Math} lacks, accurate to about 1e-15. */
public final class SpecialFunctions {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

  private SpecialFunctions() {}

  /**
   * The error function. For |x| < 3 the series erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n
   * x^(2n+1) / (1*3*...*(2n+1)) (Abramowitz-Stegun 7.1.6), whose terms are all positive, so
   * there is no cancellation; beyond, 1 - erfc(x) with erfc from its continued fraction
   * (A-S 7.1.14). Absolute error below 1e-15; the coarse A-S 7.1.26 (1.5e-7) would swamp the
   * tolerance of the model tests.
   */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double x2 = ax * ax;
      double term = ax;
      double sum = ax;
      for (int n = 1; n < 200; n++) {
        term *= 2 * x2 / (2 * n + 1);
        sum += term;
        if (term < 1e-17 * sum) {
          break;
        }
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    } else {
      r = 1 - erfcLarge(ax);
    }
    return x < 0 ? -r : r;
  }

  /** The complementary error function 1 - erf(x), accurate in the tails as well. */
  public static double erfc(double x) {
    if (x >= 3) {
      return erfcLarge(x);
    }
    return 1 - erf(x);
  }

  /**
   * erfc(x) for x >= 3 by the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) *
   * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up; 60 levels are
   * far more than needed at x = 3.
   */
  private static double erfcLarge(double x) {
    if (x > 27) {
      return 0; // below the smallest double
    }
    double f = x;
    for (int k = 60; k >= 1; k--) {
      f = x + (k / 2.0) / f;
    }
    return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
  }

  /** Logistic sigmoid, written so that neither branch overflows. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /** Gaussian error linear unit, the exact (erf) form. */
  public static double gelu(double x) {
    return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
  }
}
