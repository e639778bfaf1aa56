package onnx2mpc.bench.models;

import java.util.SplittableRandom;

/**
 * What one channel of an activation looks like at a typical position, for network inputs
 * whose pixels are i.i.d. N(0, 1): a few hundred samples of its marginal distribution.
 *
 * <p>This stands in for BatchNorm calibration without running the network. The shared
 * reference models had their BatchNorm statistics calibrated on random inputs and then
 * folded into the convolutions, which makes each folded conv output about N(beta, gamma^2)
 * per channel. {@link FoldedConv} reads the input's per-channel mean and variance from here
 * and normalises accordingly, so any depth and image size keeps activations O(1).
 *
 * <p>Why samples rather than two moments: conv outputs are sums of many terms and close to
 * Gaussian, but the residual stream is a Relu of (Relu'd stream + branch), skewed to the
 * right, and treating it as Gaussian underestimates the variance after each Relu by 10-30%;
 * over the 16 blocks of a ResNet-50 that compounded to activations 3-4x too large (with
 * samples: 1.3x). Relu and Add act on samples exactly; branch and shortcut are paired as
 * independent, which random projections make them.
 */
final class ActivationStats {
  /** Samples per channel: the variance estimate is then good to about 6%. */
  static final int SAMPLES = 512;

  /** [channel][sample]. */
  private final float[][] samples;
  final double[] mean;
  final double[] var;

  private ActivationStats(float[][] samples) {
    this.samples = samples;
    int c = samples.length;
    mean = new double[c];
    var = new double[c];
    for (int i = 0; i < c; i++) {
      double s = 0;
      double q = 0;
      for (float x : samples[i]) {
        s += x;
        q += (double) x * x;
      }
      mean[i] = s / SAMPLES;
      var[i] = Math.max(q / SAMPLES - mean[i] * mean[i], 0);
    }
  }

  /** Channel i is N(mean[i], sd[i]^2). */
  static ActivationStats gaussian(double[] mean, double[] sd, SplittableRandom rng) {
    float[][] s = new float[mean.length][SAMPLES];
    for (int i = 0; i < mean.length; i++) {
      for (int j = 0; j < SAMPLES; j++) {
        s[i][j] = (float) (mean[i] + sd[i] * rng.nextGaussian());
      }
    }
    return new ActivationStats(s);
  }

  /** The network input: every channel N(0, 1). */
  static ActivationStats standardNormal(int channels, SplittableRandom rng) {
    double[] sd = new double[channels];
    java.util.Arrays.fill(sd, 1.0);
    return gaussian(new double[channels], sd, rng);
  }

  int channels() {
    return samples.length;
  }

  ActivationStats relu() {
    float[][] s = new float[channels()][];
    for (int i = 0; i < s.length; i++) {
      s[i] = samples[i].clone();
      for (int j = 0; j < SAMPLES; j++) {
        s[i][j] = Math.max(s[i][j], 0f);
      }
    }
    return new ActivationStats(s);
  }

  /**
   * A 3x3 max pool, as the maximum of 9 independent draws. Neighbouring conv outputs are
   * positively correlated, so this overestimates the shift a little (by about 2% of the
   * mean in practice); the next conv is calibrated from it and inherits only that error.
   */
  ActivationStats maxPool3x3() {
    float[][] s = new float[channels()][SAMPLES];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < SAMPLES; j++) {
        float m = Float.NEGATIVE_INFINITY;
        // Nine distinct samples per output, a different set for each j (61 is odd, 512 = 2^9).
        for (int k = 0; k < 9; k++) {
          m = Math.max(m, samples[i][(j + 61 * k) % SAMPLES]);
        }
        s[i][j] = m;
      }
    }
    return new ActivationStats(s);
  }

  /** Residual addition, sample by sample. */
  ActivationStats add(ActivationStats o) {
    if (o.channels() != channels()) {
      throw new IllegalArgumentException("expected " + channels() + " channels, but found "
          + o.channels());
    }
    float[][] s = new float[channels()][SAMPLES];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < SAMPLES; j++) {
        s[i][j] = samples[i][j] + o.samples[i][j];
      }
    }
    return new ActivationStats(s);
  }

  /** Global average over {@code positions} roughly independent positions. */
  ActivationStats globalAverage(int positions) {
    double shrink = 1 / Math.sqrt(positions);
    float[][] s = new float[channels()][SAMPLES];
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < SAMPLES; j++) {
        s[i][j] = (float) (mean[i] + (samples[i][j] - mean[i]) * shrink);
      }
    }
    return new ActivationStats(s);
  }
}
