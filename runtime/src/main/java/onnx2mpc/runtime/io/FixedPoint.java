package onnx2mpc.runtime.io;

import java.util.Arrays;

/**
 * Fixed-point encoding of real numbers in the ring Z_2^64: x is held as the signed 64-bit
 * integer round(x * 2^f), f the number of fractional bits (the value's scale); decoding reads
 * the word as signed and divides by 2^f. Rounding is half-to-even, as {@code torch.round} in
 * CrypTen's encoder.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /**
   * Encodes every element of {@code a} at scale {@code fracBits}. Integer arrays are shifted
   * exactly (x * 2^f); floating arrays are rounded.
   *
   * @param source names the data (a file) in error messages
   * @throws IllegalArgumentException naming the source and element for NaN, infinity or a value
   *     whose encoding does not fit in a signed 64-bit word
   */
  public static long[] encode(NpyArray a, int fracBits, String source) {
    checkFracBits(fracBits);
    int n = a.size();
    long[] out = new long[n];
    if (a.dtype().floating) {
      double[] d = a.doubles();
      double scale = Math.scalb(1.0, fracBits);
      for (int i = 0; i < n; i++) {
        double x = d[i];
        if (Double.isNaN(x) || Double.isInfinite(x)) {
          throw new IllegalArgumentException(source + ": element " + index(a, i) + " is " + x
              + "; only finite values can be encoded");
        }
        double y = Math.rint(x * scale);
        // 2^63 is the first double whose long conversion would saturate.
        if (y >= 0x1p63 || y < -0x1p63) {
          throw outOfRange(a, i, Double.toString(x), fracBits, source);
        }
        out[i] = (long) y;
      }
    } else {
      long[] l = a.longs();
      for (int i = 0; i < n; i++) {
        long x = l[i];
        if (fracBits > 0 && (x > Long.MAX_VALUE >> fracBits || x < Long.MIN_VALUE >> fracBits)) {
          throw outOfRange(a, i, Long.toString(x), fracBits, source);
        }
        out[i] = x << fracBits;
      }
    }
    return out;
  }

  /**
   * Encodes integer values read from a possibly floating array, at scale 0: every element must
   * be a whole number in the signed 64-bit range.
   */
  public static long[] encodeIntegers(NpyArray a, String source) {
    if (!a.dtype().floating) {
      return a.longs().clone();
    }
    double[] d = a.doubles();
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      double x = d[i];
      if (x != Math.rint(x) || x >= 0x1p63 || x < -0x1p63) {
        throw new IllegalArgumentException(source + ": element " + index(a, i) + " is " + x
            + "; this input holds integers");
      }
      out[i] = (long) x;
    }
    return out;
  }

  /** One value: round(x * 2^f). */
  public static long encode(double x, int fracBits) {
    return encode(NpyArray.ofDoubles(new int[0], new double[] {x}), fracBits, "value")[0];
  }

  /** Decodes words as signed fixed-point numbers: w / 2^f. */
  public static double[] decode(long[] words, int fracBits) {
    checkFracBits(fracBits);
    double[] out = new double[words.length];
    for (int i = 0; i < words.length; i++) {
      out[i] = Math.scalb((double) words[i], -fracBits);
    }
    return out;
  }

  /** One value: w / 2^f. */
  public static double decode(long word, int fracBits) {
    checkFracBits(fracBits);
    return Math.scalb((double) word, -fracBits);
  }

  private static void checkFracBits(int fracBits) {
    if (fracBits < 0 || fracBits > 62) {
      throw new IllegalArgumentException("fracBits: expected 0..62, but found " + fracBits);
    }
  }

  private static IllegalArgumentException outOfRange(NpyArray a, int i, String x, int f,
      String source) {
    return new IllegalArgumentException(source + ": element " + index(a, i) + " = " + x
        + " is out of range for " + f + " fractional bits (|x| must be below 2^" + (63 - f)
        + ")");
  }

  /** Element i's multi-index, "[0, 2, 5]", so that a user can find it in numpy. */
  static String index(NpyArray a, int i) {
    int[] shape = a.shape();
    int[] idx = new int[shape.length];
    for (int k = shape.length - 1; k >= 0; k--) {
      if (shape[k] > 0) {
        idx[k] = i % shape[k];
        i /= shape[k];
      }
    }
    return Arrays.toString(idx);
  }
}
