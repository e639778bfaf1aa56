package onnx2mpc.runtime.ops;

import java.util.Arrays;

/**
 * Winograd F(2x2, 3x3) convolution over Z_2^64 (Lavin and Gray 2016, "Fast Algorithms for
 * Convolutional Neural Networks"): every 2 x 2 output tile of a 3 x 3, stride 1
 * convolution is
 *
 * <pre>
 *   Y = A^T [ U (.) V ] A,   U = G g G^T,   V = B^T d B,
 *
 *   B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
 *   G   = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]],
 *   A^T = [[1, 1, 1, 0], [0, 1, -1, -1]],
 * </pre>
 *
 * where d is the 4 x 4 input patch of the tile and (.) the elementwise product, summed over
 * input channels. That sum is, for each of the 16 positions xi = 4 r + s, a matrix product
 * M[xi] (o x tiles) = U[xi] (o x c) V[xi] (c x tiles), so a layer costs 16 o c tiles
 * multiplications (4 o c oh ow for even oh and ow) instead of 9 o c oh ow.
 *
 * <p>Exactness in the ring: with 2G = [[2, 0, 0], [1, 1, 1], [1, -1, 1], [0, 0, 2]] integral,
 * A^T [((2G) g (2G)^T) (.) (B^T d B)] A = 4 conv(d, g) is a polynomial identity over the integers,
 * hence holds in Z_2^64. {@link #conv} is bilinear in (x, u) for any ring values u; with
 * u = {@link #filterExact4}(w) it equals the direct convolution with 4 w, and with
 * u = {@link #filter}(w) it equals the direct convolution with w whenever every w is a multiple
 * of 4 (otherwise it differs by the rounding of U to integers, at most 1/2 per entry).
 */
public final class Winograd {
  /** Bound on the weight magnitudes {@link #filter} accepts, so that 9 |w| + 2 cannot wrap. */
  static final long MAX_WEIGHT = 1L << 59;

  private Winograd() {}

  /** Whether the kernel computes d: 3 x 3 filters, stride 1, dilation 1, one group. */
  public static boolean applies(ConvDims d) {
    return d.kh() == 3 && d.kw() == 3 && d.strideH() == 1 && d.strideW() == 1
        && d.dilationH() == 1 && d.dilationW() == 1 && d.group() == 1;
  }

  /**
   * U = G w G^T for weights w [o, c, 3, 3], rounded to the nearest integer (ties toward
   * +infinity): U = floor((4U + 2) / 4), with 4U from {@link #filterExact4}. Layout [16][o][c],
   * position xi = 4 r + s major. Weights must have magnitude below 2^59. The programs get U
   * from the compiler, which transforms the real weights before encoding them (so they round
   * once); this integer version is the reference that checks it and the kernel in tests.
   */
  public static long[] filter(long[] w, int o, int c) {
    checkWeights(w, o, c);
    for (int i = 0; i < w.length; i++) {
      if (w[i] <= -MAX_WEIGHT || w[i] >= MAX_WEIGHT) {
        throw new IllegalArgumentException("winograd: expected weights of magnitude below 2^59,"
            + " but found w[" + i + "]=" + w[i]);
      }
    }
    long[] u = filterExact4(w, o, c);
    for (int i = 0; i < u.length; i++) {
      u[i] = Math.floorDiv(u[i] + 2, 4);
    }
    return u;
  }

  /**
   * 4U = (2G) w (2G)^T exactly in the ring, layout [16][o][c]: {@link #conv} with this filter
   * is the direct convolution with 4 w, for any ring values w. Used by tests and benchmarks.
   */
  public static long[] filterExact4(long[] w, int o, int c) {
    checkWeights(w, o, c);
    int oc = o * c;
    long[] u = new long[16 * oc];
    long[] t = new long[12];
    for (int k = 0; k < oc; k++) {
      int wo = 9 * k;
      for (int j = 0; j < 3; j++) {
        long g0 = w[wo + j];
        long g1 = w[wo + 3 + j];
        long g2 = w[wo + 6 + j];
        t[j] = 2 * g0;
        t[3 + j] = g0 + g1 + g2;
        t[6 + j] = g0 - g1 + g2;
        t[9 + j] = 2 * g2;
      }
      for (int r = 0; r < 4; r++) {
        long t0 = t[3 * r];
        long t1 = t[3 * r + 1];
        long t2 = t[3 * r + 2];
        int base = 4 * r * oc + k;
        u[base] = 2 * t0;
        u[base + oc] = t0 + t1 + t2;
        u[base + 2 * oc] = t0 - t1 + t2;
        u[base + 3 * oc] = 2 * t2;
      }
    }
    return u;
  }

  /** Returns f(x, u) as a fresh array [n, o, oh, ow]. */
  private static final ThreadLocal<long[]> TRANSFORMED = new ThreadLocal<>();
  private static final ThreadLocal<long[]> PRODUCTS = new ThreadLocal<>();

  public static long[] conv(ConvDims d, long[] x, long[] u) {
    long[] out = new long[d.outSize()];
    convAdd(d, x, u, out);
    return out;
  }

  /**
   * out += f(x, u) for x [n, c, h, w] and transformed filters u [16, o, c]: per image, the input
   * transform into V [16][c][tiles], 16 products M[xi] = U[xi] V[xi], then the output
   * transform of M into the 2 x 2 tiles (edge tiles write only their outputs inside oh x ow).
   */
  public static void convAdd(ConvDims d, long[] x, long[] u, long[] out) {
    if (!applies(d)) {
      throw new IllegalArgumentException("winograd: expected a 3x3 convolution with stride 1,"
          + " dilation 1 and group 1, but found kernel " + d.kh() + "x" + d.kw() + ", stride "
          + d.strideH() + "x" + d.strideW() + ", dilation " + d.dilationH() + "x"
          + d.dilationW() + ", group " + d.group());
    }
    check("input", x, d.inSize());
    check("filter", u, 16L * d.o() * d.c());
    check("output", out, d.outSize());
    int tw = (d.ow() + 1) / 2;
    int tiles = (d.oh() + 1) / 2 * tw;
    if (d.outSize() == 0) {
      return;
    }
    int c = d.c();
    int o = d.o();
    int vs = stride("transformed input", c, tiles);
    int ms = stride("product", o, tiles);
    // Kept per thread: a ResNet layer's transforms are megabytes, on every call.
    long[] v = Scratch.get(TRANSFORMED, size("transformed input", 16L * vs));
    long[] m = Scratch.get(PRODUCTS, size("product", 16L * ms));
    int inTasks = Parallel.tasksFor(16L * c * tiles, c);
    int outTasks = Parallel.tasksFor(16L * o * tiles, o);
    for (int img = 0; img < d.n(); img++) {
      int xOff = img * c * d.h() * d.w();
      int outOff = img * o * d.oh() * d.ow();
      Parallel.run(inTasks, t -> input(d, x, xOff, v, vs, tw, tiles,
          Parallel.chunk(c, inTasks, t), Parallel.chunk(c, inTasks, t + 1)));
      Arrays.fill(m, 0, 16 * ms, 0L); // products accumulate; V is written whole
      products(u, v, vs, m, ms, o, c, tiles);
      Parallel.run(outTasks, t -> output(d, m, ms, out, outOff, tiles,
          Parallel.chunk(o, outTasks, t), Parallel.chunk(o, outTasks, t + 1)));
    }
  }

  /**
   * M[xi] += U[xi] V[xi] for the 16 positions. With at least two positions per worker, each
   * task runs whole products on the serial kernel (one fork-join per image instead of 16, and
   * each task keeps its own V[xi] in cache); on larger pools every product is split instead.
   */
  private static void products(long[] u, long[] v, int vs, long[] m, int ms, int o, int c,
      int tiles) {
    int tasks = Parallel.tasksFor(16L * o * c * tiles, 16);
    if (16 >= 2 * Parallel.THREADS || tasks == 1) {
      Parallel.run(tasks, t -> {
        for (int xi = Parallel.chunk(16, tasks, t); xi < Parallel.chunk(16, tasks, t + 1); xi++) {
          Gemm.kernel(u, xi * o * c, v, xi * vs, m, xi * ms, c, tiles, 0, o, 0, tiles);
        }
      });
    } else {
      for (int xi = 0; xi < 16; xi++) {
        Gemm.mulAdd(u, xi * o * c, v, xi * vs, m, xi * ms, o, c, tiles);
      }
    }
  }

  /** V[xi][ci][tile] = (B^T d B)[xi] for channels [c0, c1) of one image; V[xi] at xi vs. */
  private static void input(ConvDims d, long[] x, int xOff, long[] v, int vs, int tw, int tiles,
      int c0, int c1) {
    int h = d.h();
    int w = d.w();
    int th = tiles / tw;
    long[] patch = new long[16];
    for (int ci = c0; ci < c1; ci++) {
      int plane = xOff + ci * h * w;
      for (int ty = 0; ty < th; ty++) {
        int iy = 2 * ty - d.padTop();
        boolean rowsInside = iy >= 0 && iy + 4 <= h;
        int vt = ci * tiles + ty * tw;
        for (int tx = 0; tx < tw; tx++) {
          int ix = 2 * tx - d.padLeft();
          if (rowsInside && ix >= 0 && ix + 4 <= w) {
            int p = plane + iy * w + ix;
            inputTile(x, p, w, v, vt + tx, vs);
          } else {
            for (int i = 0; i < 16; i++) {
              int y = iy + i / 4;
              int xx = ix + i % 4;
              patch[i] = y >= 0 && y < h && xx >= 0 && xx < w ? x[plane + y * w + xx] : 0L;
            }
            inputTile(patch, 0, 4, v, vt + tx, vs);
          }
        }
      }
    }
  }

  /** B^T d B for the patch d = src[p + i stride + j]: rows by B^T here, columns in row(). */
  private static void inputTile(long[] src, int p, int stride, long[] v, int t, int vs) {
    int p1 = p + stride;
    int p2 = p1 + stride;
    int p3 = p2 + stride;
    long a0 = src[p];
    long a1 = src[p + 1];
    long a2 = src[p + 2];
    long a3 = src[p + 3];
    long b0 = src[p1];
    long b1 = src[p1 + 1];
    long b2 = src[p1 + 2];
    long b3 = src[p1 + 3];
    long c0 = src[p2];
    long c1 = src[p2 + 1];
    long c2 = src[p2 + 2];
    long c3 = src[p2 + 3];
    long e0 = src[p3];
    long e1 = src[p3 + 1];
    long e2 = src[p3 + 2];
    long e3 = src[p3 + 3];
    row(v, t, vs, a0 - c0, a1 - c1, a2 - c2, a3 - c3);
    row(v, t + 4 * vs, vs, b0 + c0, b1 + c1, b2 + c2, b3 + c3);
    row(v, t + 8 * vs, vs, c0 - b0, c1 - b1, c2 - b2, c3 - b3);
    row(v, t + 12 * vs, vs, b0 - e0, b1 - e1, b2 - e2, b3 - e3);
  }

  /** One row q of B^T d times B: v[t + s vs] = (q B)[s]. */
  private static void row(long[] v, int t, int vs, long q0, long q1, long q2, long q3) {
    v[t] = q0 - q2;
    v[t + vs] = q1 + q2;
    v[t + 2 * vs] = q2 - q1;
    v[t + 3 * vs] = q1 - q3;
  }

  /** out[oc] += A^T M A over the tiles, for output channels [o0, o1) of one image. */
  private static void output(ConvDims d, long[] m, int ms, long[] out, int outOff, int tiles,
      int o0, int o1) {
    int oh = d.oh();
    int ow = d.ow();
    for (int oc = o0; oc < o1; oc++) {
      for (int k = oc * tiles, oy = 0; oy < oh; oy += 2) {
        boolean below = oy + 1 < oh;
        for (int ox = 0; ox < ow; ox += 2, k++) {
          // A^T M: rows r0 = M0 + M1 + M2 and r1 = M1 - M2 - M3 of the 4 x 4 M.
          long r00 = m[k] + m[k + 4 * ms] + m[k + 8 * ms];
          long r01 = m[k + ms] + m[k + 5 * ms] + m[k + 9 * ms];
          long r02 = m[k + 2 * ms] + m[k + 6 * ms] + m[k + 10 * ms];
          long r03 = m[k + 3 * ms] + m[k + 7 * ms] + m[k + 11 * ms];
          long r10 = m[k + 4 * ms] - m[k + 8 * ms] - m[k + 12 * ms];
          long r11 = m[k + 5 * ms] - m[k + 9 * ms] - m[k + 13 * ms];
          long r12 = m[k + 6 * ms] - m[k + 10 * ms] - m[k + 14 * ms];
          long r13 = m[k + 7 * ms] - m[k + 11 * ms] - m[k + 15 * ms];
          int q = outOff + (oc * oh + oy) * ow + ox;
          boolean right = ox + 1 < ow;
          out[q] += r00 + r01 + r02;
          if (right) {
            out[q + 1] += r01 - r02 - r03;
          }
          if (below) {
            out[q + ow] += r10 + r11 + r12;
            if (right) {
              out[q + ow + 1] += r11 - r12 - r13;
            }
          }
        }
      }
    }
  }

  private static void checkWeights(long[] w, int o, int c) {
    if (o < 0 || c < 0) {
      throw new IllegalArgumentException("winograd: expected non-negative channel counts, but"
          + " found o=" + o + ", c=" + c);
    }
    check("weight", w, 9L * o * c);
    size("filter", 16L * o * c);
  }

  /**
   * Words between the 16 matrices of V or M: rows x tiles, padded so that consecutive matrices
   * start one cache line apart modulo 4 KiB; the transforms touch all 16 at once, and equal
   * offsets modulo 4 KiB would make them compete for the same L1 sets.
   */
  private static int stride(String what, int rows, int tiles) {
    long words = (long) rows * tiles;
    return size(what, words < 512 ? words : (words + 511) / 512 * 512 + 8);
  }

  private static int size(String what, long words) {
    if (words > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("winograd: " + what + " of " + words
          + " words does not fit in one array");
    }
    return (int) words;
  }

  private static void check(String what, long[] a, long size) {
    if (a == null || a.length != size) {
      throw new IllegalArgumentException("winograd: expected " + what + " of " + size
          + " words, but found " + (a == null ? "none" : a.length + ""));
    }
  }
}
