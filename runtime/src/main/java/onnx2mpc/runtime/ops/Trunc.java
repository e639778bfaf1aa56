package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/** Fixed-point truncation of shares by f bits: [x] to about [x / 2^f]. */
public final class Trunc {
  private Trunc() {}

  /**
   * mpc.trunc_local [out, in, f], 2 parties only (SecureML, Mohassel and Zhang 2017, section
   * 3.1): party 0 takes x_0 >> f, party 1 -((-x_1) >> f). The result is off by at most 1 ulp
   * unless the shares wrap around, which happens with probability about |x| / 2^63.
   */
  public static void local(Ctx ctx, int[] args) {
    if (ctx.parties != 2) {
      throw new IllegalStateException("trunc_local: expected 2 parties, but found "
          + ctx.parties);
    }
    long[] x = ctx.buf[args[1]];
    int f = args[2];
    long[] out = ctx.alloc(x.length);
    if (ctx.party == 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = x[i] >> f;
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = -(-x[i] >> f);
      }
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.trunc_finish [out, z, rShift, msbR, f]: z = x + 2^62 + r was opened, with x signed,
   * |x| < 2^62, and r uniform in the ring from the dealer with shares of r >>> f and msb(r).
   *
   * <p>With x' = x + 2^62 in [0, 2^63), z = r + x' wraps past 2^64 exactly when msb(r) = 1 and
   * msb(z) = 0 (x' < 2^63 cannot carry r across 2^64 otherwise, and a wrap leaves z < 2^63).
   * So x' >> f = (z >>> f) - (r >>> f) + wrap * 2^(64-f) - borrow, borrow in {0, 1}, and
   * x >> f = x' >> f - 2^(62-f): party 0 adds the public (z >>> f) - 2^(62-f), everyone adds
   * (1 - msb z) 2^(64-f) [msb r] - [r >>> f]. Error: at most 1 ulp (the borrow), always.
   */
  public static void finish(Ctx ctx, int[] args) {
    long[] z = ctx.buf[args[1]];
    long[] rs = ctx.buf[args[2]];
    long[] msb = ctx.buf[args[3]];
    int f = args[4];
    if (f <= 0 || f >= 62) {
      throw new IllegalArgumentException("trunc_finish: expected 0 < f < 62, but found " + f);
    }
    int n = z.length;
    if (rs.length != n || msb.length != n) {
      throw new IllegalArgumentException("trunc_finish: expected shares of " + n
          + " words, but found " + rs.length + " and " + msb.length);
    }
    long high = 1L << (64 - f);
    long bias = 1L << (62 - f);
    boolean p0 = ctx.party == 0;
    long[] out = ctx.alloc(n);
    for (int i = 0; i < n; i++) {
      long v = (1 - (z[i] >>> 63)) * high * msb[i] - rs[i];
      if (p0) {
        v += (z[i] >>> f) - bias;
      }
      out[i] = v;
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.trunc_finish_bit [out, z, rho, rhoShift, rhoMsb, f]: {@link #finish}'s x >> f times
   * the dealer's bit rho, from shares of rho, rho (r >>> f) and rho msb(r): every party adds
   * ((z >>> f) - 2^(62-f)) [rho] + (1 - msb z) 2^(64-f) [rho msb r] - [rho (r >>> f)], the
   * same formula with each share term multiplied by rho, so the result is rho times exactly
   * the value finish computes (its borrow included).
   */
  public static void finishTimesBit(Ctx ctx, int[] args) {
    long[] z = ctx.buf[args[1]];
    long[] rho = ctx.buf[args[2]];
    long[] rs = ctx.buf[args[3]];
    long[] rm = ctx.buf[args[4]];
    int f = args[5];
    int n = z.length;
    if (f <= 0 || f >= 62 || rho.length != n || rs.length != n || rm.length != n) {
      throw new IllegalArgumentException("trunc_finish_bit: expected 0 < f < 62 and shares of "
          + n + " words, but found f = " + f + " and " + rho.length + ", " + rs.length + ", "
          + rm.length + " words");
    }
    long high = 1L << (64 - f);
    long bias = 1L << (62 - f);
    long[] out = ctx.alloc(n);
    for (int i = 0; i < n; i++) {
      out[i] = ((z[i] >>> f) - bias) * rho[i] + (1 - (z[i] >>> 63)) * high * rm[i] - rs[i];
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.shift_p [out, z, f, c]: (z >>> f) + c of a public z, the same at every party. Fused
   * truncation and comparison read the comparison's opened value off the truncation's: with
   * z = x + 2^62 + r, (z >>> f) - 2^(62-f) + 2^(k-1) = (x >> f) + b + 2^(k-1) + (r >>> f)
   * modulo 2^(64-f), b in {0, 1} the borrow of the low f bits.
   */
  public static void shiftPublic(Ctx ctx, int[] args) {
    long[] z = ctx.buf[args[1]];
    int f = args[2];
    long c = Args.longAt(args, 3);
    long[] out = ctx.alloc(z.length);
    for (int i = 0; i < z.length; i++) {
      out[i] = (z[i] >>> f) + c;
    }
    ctx.buf[args[0]] = out;
  }
}
