package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/**
 * Beaver recombination (Beaver, CRYPTO 1991): with a dealer triple (a, b, c = a * b) and the
 * opened e = x - a, d = y - b, x * y = (e + a) * (d + b) = c + e * b + a * d + e * d, so party i
 * holds z_i = c_i + e * b_i + a_i * d (+ e * d at party 0). The same identity holds for any
 * bilinear *, here also matmul and conv; party 0 folds e * d into e * (b_0 + d), which saves
 * one product.
 */
public final class Beaver {
  private Beaver() {}

  /**
   * mpc.beaver_mul [out, e, d, a, b, c]: elementwise. Opened e and d held as halves (2 parties,
   * {@link Ctx#halves}) are summed as they are read.
   */
  public static void mul(Ctx ctx, int[] args) {
    Ctx.Halves he = ctx.halves(args[1]);
    Ctx.Halves hd = ctx.halves(args[2]);
    if (he != null && hd != null) {
      mulHalves(ctx, args, he, hd);
      return;
    }
    long[] e = ctx.opened(args[1]);
    long[] d = ctx.opened(args[2]);
    long[] a = ctx.buf[args[3]];
    long[] b = ctx.buf[args[4]];
    long[] c = ctx.buf[args[5]];
    int n = c.length;
    if (e.length != n || d.length != n || a.length != n || b.length != n) {
      throw new IllegalArgumentException("beaver_mul: expected operands of " + n
          + " words, but found e " + e.length + ", d " + d.length + ", a " + a.length + ", b "
          + b.length);
    }
    long[] out = ctx.alloc(n);
    if (ctx.party == 0) {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + e[i] * (b[i] + d[i]) + a[i] * d[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + e[i] * b[i] + a[i] * d[i];
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** {@link #mul} with e = e_0 + e_1 and d = d_0 + d_1 summed in the same pass. */
  private static void mulHalves(Ctx ctx, int[] args, Ctx.Halves he, Ctx.Halves hd) {
    long[] em = he.mine();
    long[] et = he.theirs();
    int eo = he.offset();
    long[] dm = hd.mine();
    long[] dt = hd.theirs();
    int dOff = hd.offset();
    long[] a = ctx.buf[args[3]];
    long[] b = ctx.buf[args[4]];
    long[] c = ctx.buf[args[5]];
    int n = c.length;
    if (em.length != n || dm.length != n || a.length != n || b.length != n
        || et.length < eo + n || dt.length < dOff + n) {
      throw new IllegalArgumentException("beaver_mul: expected operands of " + n + " words");
    }
    long[] out = ctx.alloc(n);
    if (ctx.party == 0) {
      for (int i = 0; i < n; i++) {
        long e = em[i] + et[eo + i];
        long d = dm[i] + dt[dOff + i];
        out[i] = c[i] + e * (b[i] + d) + a[i] * d;
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + (em[i] + et[eo + i]) * b[i] + a[i] * (dm[i] + dt[dOff + i]);
      }
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.beaver_square [out, e, a, c]: with a square pair (a, c = a * a) and e = x - a opened,
   * x * x = (e + a)^2 = c + 2 e a + e^2; party i holds c_i + e * 2 a_i (+ e^2 at party 0).
   * An opened e held as halves is summed as it is read.
   */
  public static void square(Ctx ctx, int[] args) {
    Ctx.Halves he = ctx.halves(args[1]);
    if (he != null) {
      squareHalves(ctx, args, he);
      return;
    }
    long[] e = ctx.opened(args[1]);
    long[] a = ctx.buf[args[2]];
    long[] c = ctx.buf[args[3]];
    int n = c.length;
    if (e.length != n || a.length != n) {
      throw new IllegalArgumentException("beaver_square: expected operands of " + n
          + " words, but found e " + e.length + ", a " + a.length);
    }
    long[] out = ctx.alloc(n);
    if (ctx.party == 0) {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + e[i] * (2 * a[i] + e[i]);
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + e[i] * 2 * a[i];
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** {@link #square} with e = e_0 + e_1 summed in the same pass. */
  private static void squareHalves(Ctx ctx, int[] args, Ctx.Halves he) {
    long[] em = he.mine();
    long[] et = he.theirs();
    int eo = he.offset();
    long[] a = ctx.buf[args[2]];
    long[] c = ctx.buf[args[3]];
    int n = c.length;
    if (em.length != n || a.length != n || et.length < eo + n) {
      throw new IllegalArgumentException("beaver_square: expected operands of " + n + " words");
    }
    long[] out = ctx.alloc(n);
    if (ctx.party == 0) {
      for (int i = 0; i < n; i++) {
        long e = em[i] + et[eo + i];
        out[i] = c[i] + e * (2 * a[i] + e);
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[i] = c[i] + (em[i] + et[eo + i]) * 2 * a[i];
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.beaver_matmul [out, e, d, a, b, c, mm]: c + e @ (b + [p0] d) + a @ d. */
  public static void matmul(Ctx ctx, int[] args) {
    MmDims mm = MmDims.of(new Args(args, 6).nextInts());
    long[] e = ctx.buf[args[1]];
    long[] d = ctx.buf[args[2]];
    long[] a = ctx.buf[args[3]];
    long[] out = ctx.buf[args[5]].clone();
    mm.mulAdd(e, plusAtParty0(ctx, ctx.buf[args[4]], d), out);
    mm.mulAdd(a, d, out);
    ctx.buf[args[0]] = out;
  }

  /** mpc.beaver_conv [out, e, d, a, b, c, conv]: c + conv(e, b + [p0] d) + conv(a, d). */
  public static void conv(Ctx ctx, int[] args) {
    ConvDims dims = ConvDims.of(new Args(args, 6).nextInts());
    long[] e = ctx.buf[args[1]];
    long[] d = ctx.buf[args[2]];
    long[] a = ctx.buf[args[3]];
    long[] out = ctx.buf[args[5]].clone();
    ConvKernels.convAdd(dims, e, plusAtParty0(ctx, ctx.buf[args[4]], d), out);
    ConvKernels.convAdd(dims, a, d, out);
    ctx.buf[args[0]] = out;
  }

  /** b + d at party 0, b elsewhere. */
  private static long[] plusAtParty0(Ctx ctx, long[] b, long[] d) {
    if (ctx.party != 0) {
      return b;
    }
    if (b.length != d.length) {
      throw new IllegalArgumentException("beaver: expected d of " + b.length
          + " words like b, but found " + d.length);
    }
    long[] s = new long[b.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = b[i] + d[i];
    }
    return s;
  }
}
