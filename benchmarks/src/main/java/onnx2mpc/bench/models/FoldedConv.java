package onnx2mpc.bench.models;

import java.util.SplittableRandom;

/**
 * Weights of one Conv with a BatchNorm already folded in, as torch.onnx.export emits them
 * for an eval-mode Conv2d(bias=False) + BatchNorm2d pair.
 *
 * <p>The raw kernel is N(0, 1); the folded BatchNorm then rescales each output channel so
 * that, for an input with the given {@link ActivationStats}, the channel comes out with
 * mean beta and standard deviation gamma. That is what BN calibration does, and it yields
 * He-like kernels (variance 2 to 3 / fan_in after a Relu, gamma = 1) without picking the
 * scale by hand for every layer kind, padding and feature-map size.
 *
 * @param weight [outC, inC, k, k], C order
 * @param bias [outC]
 * @param out samples of the conv output (before any Relu)
 */
record FoldedConv(float[] weight, float[] bias, ActivationStats out) {
  /** BatchNorm2d's default epsilon, so a zero-variance channel cannot blow up. */
  private static final double BN_EPS = 1e-5;
  /** Standard deviation of the BN shift beta; trained nets have small, mostly O(0.1) betas. */
  private static final double BETA_SD = 0.1;

  /**
   * @param rng a stream of this conv's own, split from the model seed
   * @param in the conv input, channel by channel
   * @param inSize input height (= width)
   * @param gammaLo lower end of the uniform range for the BN scale gamma
   * @param gammaHi upper end of that range
   */
  static FoldedConv create(SplittableRandom rng, ActivationStats in, int inSize, int outC,
      int kernel, int stride, int pad, double gammaLo, double gammaHi) {
    int inC = in.channels();
    int outSize = (inSize + 2 * pad - kernel) / stride + 1;
    double[] rows = maskFractions(inSize, outSize, kernel, stride, pad);
    double[] cover = new double[kernel];
    for (int mask = 1; mask < rows.length; mask++) {
      for (int k = 0; k < kernel; k++) {
        cover[k] += (mask >> k & 1) * rows[mask];
      }
    }
    int taps = kernel * kernel;
    float[] w = new float[outC * inC * taps];
    float[] b = new float[outC];
    double[] outMean = new double[outC];
    double[] outSd = new double[outC];
    double[] tapMean = new double[taps];
    for (int o = 0; o < outC; o++) {
      double var = 0;
      java.util.Arrays.fill(tapMean, 0);
      int base = o * inC * taps;
      for (int i = 0; i < inC; i++) {
        for (int t = 0; t < taps; t++) {
          double x = rng.nextGaussian();
          w[base + i * taps + t] = (float) x;
          tapMean[t] += x * in.mean[i];
          // A tap that falls into the zero padding contributes nothing there.
          var += cover[t / kernel] * cover[t % kernel] * x * x * in.var[i];
        }
      }
      // BN's variance is over all positions, so it also sees the mean differ between
      // border and interior positions (they sum fewer taps). With post-Relu inputs, whose
      // mean is large, that term dominates on small feature maps.
      double mean = 0;
      double meanSq = 0;
      for (int r = 1; r < rows.length; r++) {
        for (int c = 1; rows[r] > 0 && c < rows.length; c++) {
          if (rows[c] == 0) {
            continue;
          }
          double m = 0;
          for (int t = 0; t < taps; t++) {
            m += (r >> (t / kernel) & 1) * (c >> (t % kernel) & 1) * tapMean[t];
          }
          mean += rows[r] * rows[c] * m;
          meanSq += rows[r] * rows[c] * m * m;
        }
      }
      var += Math.max(meanSq - mean * mean, 0);
      double gamma = gammaLo + (gammaHi - gammaLo) * rng.nextDouble();
      double beta = BETA_SD * rng.nextGaussian();
      double scale = gamma / Math.sqrt(var + BN_EPS);
      for (int j = base; j < base + inC * taps; j++) {
        w[j] = (float) (w[j] * scale);
      }
      // BN fold: W' = W * gamma / sigma, b' = beta - mu * gamma / sigma.
      b[o] = (float) (beta - mean * scale);
      outMean[o] = beta;
      outSd[o] = gamma;
    }
    return new FoldedConv(w, b, ActivationStats.gaussian(outMean, outSd, rng));
  }

  /**
   * Output rows (equally columns) grouped by which kernel rows land inside the image: entry
   * {@code mask} is the fraction of output rows whose in-bounds kernel rows are the set
   * bits of {@code mask}.
   */
  static double[] maskFractions(int inSize, int outSize, int kernel, int stride, int pad) {
    double[] frac = new double[1 << kernel];
    for (int y = 0; y < outSize; y++) {
      int mask = 0;
      for (int k = 0; k < kernel; k++) {
        int src = y * stride - pad + k;
        mask |= src >= 0 && src < inSize ? 1 << k : 0;
      }
      frac[mask] += 1.0 / outSize;
    }
    return frac;
  }
}
