package onnx2mpc.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2x2, 3x3) against the direct convolution, word for word on uniformly random ring
 * inputs, plus bilinearity, the rounding of the filter transform, and argument checks.
 */
class WinogradTest {
  private final SplittableRandom rnd = new SplittableRandom(17);

  /** n, c, h, w, o, pad: even and odd sizes, padding 0 and 1, c != o, a 1x1 input. */
  private static final int[][] SHAPES = {
    {1, 3, 5, 7, 4, 0}, {1, 3, 5, 7, 4, 1}, {1, 8, 8, 8, 8, 0}, {1, 8, 8, 8, 8, 1},
    {1, 8, 56, 56, 8, 1}, {1, 8, 56, 56, 8, 0}, {2, 5, 9, 6, 7, 1}, {2, 6, 4, 3, 2, 0},
    {1, 4, 1, 1, 3, 1}, {2, 2, 3, 3, 5, 0}, {1, 64, 14, 14, 32, 1}, {3, 16, 7, 7, 24, 1},
    {1, 48, 56, 56, 64, 1},  // parallel input and output transforms
  };

  static ConvDims dims(int n, int c, int h, int w, int o, int pad) {
    return new ConvDims(n, c, h, w, o, 3, 3, h + 2 * pad - 2, w + 2 * pad - 2, 1, 1, pad, pad,
        1, 1, 1);
  }

  private long[] words(int n) {
    return rnd.longs(n).toArray();
  }

  private long[] small(int n, int bound) {
    return rnd.ints(n, -bound, bound + 1).asLongStream().toArray();
  }

  @Test
  void matchesDirectConvolutionExactlyOnRandomRingInputs() {
    for (int[] s : SHAPES) {
      ConvDims d = dims(s[0], s[1], s[2], s[3], s[4], s[5]);
      long[] x = words(d.inSize());
      long[] w = small(d.weightSize(), 1 << 20);
      long[] w4 = new long[w.length];
      for (int i = 0; i < w.length; i++) {
        w4[i] = 4 * w[i];
      }
      String shape = java.util.Arrays.toString(s);
      long[] expected = ConvKernels.conv(d, x, w4);
      assertArrayEquals(expected, Winograd.conv(d, x, Winograd.filter(w4, d.o(), d.c())), shape);
      assertArrayEquals(expected, Winograd.conv(d, x, Winograd.filterExact4(w, d.o(), d.c())),
          shape);
    }
  }

  @Test
  void exactFilterMatchesFourTimesTheDirectConvolutionForRingWeights() {
    ConvDims d = dims(2, 5, 9, 6, 7, 1);
    long[] x = words(d.inSize());
    long[] w = words(d.weightSize());
    long[] w4 = new long[w.length];
    for (int i = 0; i < w.length; i++) {
      w4[i] = 4 * w[i];
    }
    assertArrayEquals(ConvKernels.conv(d, x, w4),
        Winograd.conv(d, x, Winograd.filterExact4(w, d.o(), d.c())));
  }

  @Test
  void isBilinearInInputAndFilter() {
    for (int[] s : new int[][] {{2, 5, 9, 6, 7, 1}, {1, 8, 56, 56, 8, 1}}) {
      ConvDims d = dims(s[0], s[1], s[2], s[3], s[4], s[5]);
      int us = 16 * d.o() * d.c();
      long[] x1 = words(d.inSize());
      long[] x2 = words(d.inSize());
      long[] u1 = words(us);
      long[] u2 = words(us);
      long[] xs = new long[x1.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = x1[i] + x2[i];
      }
      long[] uSum = new long[us];
      for (int i = 0; i < us; i++) {
        uSum[i] = u1[i] + u2[i];
      }
      assertArrayEquals(add(Winograd.conv(d, x1, u1), Winograd.conv(d, x1, u2)),
          Winograd.conv(d, x1, uSum));
      assertArrayEquals(add(Winograd.conv(d, x1, u1), Winograd.conv(d, x2, u1)),
          Winograd.conv(d, xs, u1));
    }
  }

  @Test
  void roundedFilterIsWithinOneHalfOfTheRealTransform() {
    int o = 6;
    int c = 5;
    long[] w = small(o * c * 9, 1 << 30);
    for (int i = 0; i < 20; i++) {
      w[rnd.nextInt(w.length)] = rnd.nextLong(-(1L << 40) + 1, 1L << 40);
    }
    long[] u = Winograd.filter(w, o, c);
    double[][] g = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    for (int k = 0; k < o * c; k++) {
      for (int r = 0; r < 4; r++) {
        for (int s = 0; s < 4; s++) {
          double exact = 0;
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              exact += g[r][i] * w[9 * k + 3 * i + j] * g[s][j];
            }
          }
          double diff = Math.abs(u[(4 * r + s) * o * c + k] - exact);
          assertTrue(diff <= 0.5, "k=" + k + " xi=" + (4 * r + s) + ": " + diff);
        }
      }
    }
    // Ties round toward +infinity: w = 2 at the centre gives U = +-1/2 in the middle 2 x 2.
    long[] one = new long[9];
    one[4] = 2;
    long[] u1 = Winograd.filter(one, 1, 1);
    assertEquals(1, u1[5]);   // G w G^T at (1, 1) = 2/4
    assertEquals(0, u1[6]);   // at (1, 2) = -2/4
  }

  @Test
  void convAddAccumulatesIntoTheOutput() {
    ConvDims d = dims(2, 3, 6, 5, 4, 1);
    long[] x = words(d.inSize());
    long[] u = words(16 * d.o() * d.c());
    long[] out = words(d.outSize());
    long[] expected = add(out.clone(), Winograd.conv(d, x, u));
    Winograd.convAdd(d, x, u, out);
    assertArrayEquals(expected, out);
  }

  @Test
  void wrongSizesAndShapesAreRejected() {
    ConvDims d = dims(1, 3, 6, 5, 4, 1);
    long[] x = new long[d.inSize()];
    long[] u = new long[16 * 4 * 3];
    long[] out = new long[d.outSize()];
    assertEquals("winograd: expected input of 90 words, but found 89",
        message(() -> Winograd.convAdd(d, new long[89], u, out)));
    assertEquals("winograd: expected filter of 192 words, but found 108",
        message(() -> Winograd.convAdd(d, x, new long[108], out)));
    assertEquals("winograd: expected output of 120 words, but found none",
        message(() -> Winograd.convAdd(d, x, u, null)));
    assertEquals("winograd: expected weight of 108 words, but found 107",
        message(() -> Winograd.filter(new long[107], 4, 3)));
    long[] big = new long[9];
    big[3] = -(1L << 59);
    assertEquals("winograd: expected weights of magnitude below 2^59, but found w[3]="
        + big[3], message(() -> Winograd.filter(big, 1, 1)));
    ConvDims strided = new ConvDims(1, 3, 6, 5, 4, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1);
    assertEquals("winograd: expected a 3x3 convolution with stride 1, dilation 1 and group 1,"
        + " but found kernel 3x3, stride 2x2, dilation 1x1, group 1",
        message(() -> Winograd.conv(strided, x, u)));
  }

  @Test
  void appliesOnlyToUnstridedUndilatedUngrouped3x3() {
    assertTrue(Winograd.applies(dims(1, 64, 56, 56, 64, 1)));
    assertTrue(Winograd.applies(dims(4, 3, 1, 1, 8, 1)));
    assertTrue(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 3, 3, 9, 9, 1, 1, 2, 0, 1, 1, 1)));
    assertFalse(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 3, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1)));
    assertFalse(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 3, 3, 5, 5, 1, 1, 0, 0, 2, 2, 1)));
    assertFalse(Winograd.applies(new ConvDims(1, 4, 9, 9, 4, 3, 3, 9, 9, 1, 1, 1, 1, 1, 1, 2)));
    assertFalse(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 1, 1, 9, 9, 1, 1, 0, 0, 1, 1, 1)));
    assertFalse(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 5, 5, 9, 9, 1, 1, 2, 2, 1, 1, 1)));
    assertFalse(Winograd.applies(new ConvDims(1, 3, 9, 9, 2, 3, 1, 7, 9, 1, 1, 0, 0, 1, 1, 1)));
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  private static long[] add(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
