package onnx2mpc.runtime.ops;

import java.util.Arrays;

/**
 * Convolution over Z_2^64, used by the party kernels and by the dealer: im2col followed by
 * {@link Gemm} per (image, group); a 1x1 convolution with stride 1 and no padding multiplies the
 * input directly; depthwise convolution (one input channel per group) runs as direct loops,
 * since its im2col matrix would be as large as the work.
 */
public final class ConvKernels {
  private static final ThreadLocal<long[]> COLUMNS = new ThreadLocal<>();

  private ConvKernels() {}

  /** Returns conv(x, w) as a fresh array. */
  public static long[] conv(ConvDims d, long[] x, long[] w) {
    long[] out = new long[d.outSize()];
    convAdd(d, x, w, out);
    return out;
  }

  /** out += conv(x, w) for x [n, c, h, w] and w [o, c/group, kh, kw]. */
  public static void convAdd(ConvDims d, long[] x, long[] w, long[] out) {
    d.checkConv();
    check("input", x, d.inSize());
    check("weight", w, d.weightSize());
    check("output", out, d.outSize());
    if (d.cg() == 1 && d.kh() * d.kw() > 1) {
      depthwise(d, x, w, out);
      return;
    }
    int units = d.n() * d.group();
    int k = d.cg() * d.kh() * d.kw();
    int p = d.oh() * d.ow();
    long unitWork = (long) d.og() * k * p;
    boolean direct = d.kh() == 1 && d.kw() == 1 && d.strideH() == 1 && d.strideW() == 1
        && d.padTop() == 0 && d.padLeft() == 0 && d.oh() == d.h() && d.ow() == d.w();
    if (units > 1 && unitWork < Parallel.MIN_WORK) {
      // Many small products: one task per range of (image, group), each with its own columns.
      int tasks = Parallel.tasksFor(unitWork * units, units);
      Parallel.run(tasks, t -> {
        long[] col = direct ? null : new long[k * p];
        for (int u = Parallel.chunk(units, tasks, t); u < Parallel.chunk(units, tasks, t + 1);
            u++) {
          unit(d, x, w, out, u, col, false);
        }
      });
    } else {
      // Kept per thread: conv1's columns of a 224 x 224 image are 15 MB.
      long[] col = direct ? null : Scratch.get(COLUMNS, k * p);
      for (int u = 0; u < units; u++) {
        unit(d, x, w, out, u, col, true);
      }
    }
  }

  /** One (image, group): out[n, g] += w[g] @ im2col(x[n, g]). */
  private static void unit(ConvDims d, long[] x, long[] w, long[] out, int u, long[] col,
      boolean parallel) {
    int img = u / d.group();
    int g = u % d.group();
    int k = d.cg() * d.kh() * d.kw();
    int p = d.oh() * d.ow();
    int xOff = (img * d.c() + g * d.cg()) * d.h() * d.w();
    int wOff = g * d.og() * k;
    int outOff = (img * d.o() + g * d.og()) * p;
    if (col == null) {
      mulAdd(w, wOff, x, xOff, out, outOff, d.og(), k, p, parallel);
      return;
    }
    if (parallel) {
      int tasks = Parallel.tasksFor((long) k * p, k);
      Parallel.run(tasks, t -> im2col(d, x, xOff, col, Parallel.chunk(k, tasks, t),
          Parallel.chunk(k, tasks, t + 1)));
    } else {
      im2col(d, x, xOff, col, 0, k);
    }
    mulAdd(w, wOff, col, 0, out, outOff, d.og(), k, p, parallel);
  }

  private static void mulAdd(long[] a, int ao, long[] b, int bo, long[] c, int co, int m, int k,
      int n, boolean parallel) {
    if (parallel) {
      Gemm.mulAdd(a, ao, b, bo, c, co, m, k, n);
    } else {
      Gemm.kernel(a, ao, b, bo, c, co, k, n, 0, m, 0, n);
    }
  }

  /**
   * Rows [r0, r1) of the im2col matrix of one group of one image: row (ci, i, j) holds, for
   * every output position (oy, ox), x[ci, oy sh - pt + i dh, ox sw - pl + j dw] or 0 outside.
   */
  static void im2col(ConvDims d, long[] x, int xOff, long[] col, int r0, int r1) {
    int kk = d.kh() * d.kw();
    int p = d.oh() * d.ow();
    for (int r = r0; r < r1; r++) {
      int ci = r / kk;
      int i = r % kk / d.kw();
      int j = r % d.kw();
      int plane = xOff + ci * d.h() * d.w();
      int off = j * d.dilationW() - d.padLeft();
      int lo = d.owLo(off);
      int hi = Math.max(lo, d.owHi(off));
      for (int oy = 0; oy < d.oh(); oy++) {
        int dst = r * p + oy * d.ow();
        int iy = oy * d.strideH() - d.padTop() + i * d.dilationH();
        if (iy < 0 || iy >= d.h()) {
          Arrays.fill(col, dst, dst + d.ow(), 0L);
          continue;
        }
        Arrays.fill(col, dst, dst + lo, 0L);
        Arrays.fill(col, dst + hi, dst + d.ow(), 0L);
        int src = plane + iy * d.w() + off;
        if (d.strideW() == 1) {
          System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
        } else {
          for (int ox = lo; ox < hi; ox++) {
            col[dst + ox] = x[src + ox * d.strideW()];
          }
        }
      }
    }
  }

  /** One input channel per group: out[n, oc] += sum_(i, j) w[oc, 0, i, j] * shifted x[n, c]. */
  private static void depthwise(ConvDims d, long[] x, long[] w, long[] out) {
    int planes = d.n() * d.o();
    int tasks = Parallel.tasksFor(d.macs(), planes);
    Parallel.run(tasks, t -> {
      for (int pl = Parallel.chunk(planes, tasks, t); pl < Parallel.chunk(planes, tasks, t + 1);
          pl++) {
        depthwisePlane(d, x, w, out, pl);
      }
    });
  }

  private static void depthwisePlane(ConvDims d, long[] x, long[] w, long[] out, int plane) {
    int img = plane / d.o();
    int oc = plane % d.o();
    int ci = oc / d.og();
    int xPlane = (img * d.c() + ci) * d.h() * d.w();
    int oPlane = plane * d.oh() * d.ow();
    int sw = d.strideW();
    for (int i = 0; i < d.kh(); i++) {
      for (int j = 0; j < d.kw(); j++) {
        long wv = w[(oc * d.kh() + i) * d.kw() + j];
        int off = j * d.dilationW() - d.padLeft();
        int lo = d.owLo(off);
        int hi = d.owHi(off);
        for (int oy = 0; oy < d.oh(); oy++) {
          int iy = oy * d.strideH() - d.padTop() + i * d.dilationH();
          if (iy < 0 || iy >= d.h()) {
            continue;
          }
          int src = xPlane + iy * d.w() + off;
          int dst = oPlane + oy * d.ow();
          if (sw == 1) {
            for (int ox = lo; ox < hi; ox++) {
              out[dst + ox] += wv * x[src + ox];
            }
          } else {
            for (int ox = lo; ox < hi; ox++) {
              out[dst + ox] += wv * x[src + ox * sw];
            }
          }
        }
      }
    }
  }

  private static void check(String what, long[] a, int size) {
    if (a == null || a.length != size) {
      throw new IllegalArgumentException("conv: expected " + what + " of " + size
          + " words, but found " + (a == null ? "none" : a.length + ""));
    }
  }
}
