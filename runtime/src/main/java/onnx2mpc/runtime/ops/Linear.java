package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/**
 * Shared-by-public linear algebra, local to every party: a product with a public operand is
 * linear in the shared one, so each party applies it to its share (sum_i (a_i @ p) = a @ p).
 */
public final class Linear {
  private Linear() {}

  /** mpc.matmul_ap [out, a, p, mm]: a @ p. */
  public static void matmulAP(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] p = ctx.buf[args[2]];
    MmDims mm = MmDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = a == null ? null : isZero(a) ? new long[mm.cSize()] : mm.mul(a, p);
  }

  /**
   * Whether a share is all zeros. The weights owner's share of its triple's mask is zero by
   * construction (mpc.dealer.owner_triple), so its A * D product is skipped after one scan.
   */
  static boolean isZero(long[] a) {
    long acc = 0;
    for (long v : a) {
      acc |= v;
    }
    return acc == 0;
  }

  /** mpc.matmul_pa [out, p, a, mm]: p @ a. */
  public static void matmulPA(Ctx ctx, int[] args) {
    long[] p = ctx.buf[args[1]];
    long[] a = ctx.buf[args[2]];
    MmDims mm = MmDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = a == null ? null : mm.mul(p, a);
  }

  /** mpc.conv_ap [out, a, p, conv]: conv(a, p) with public weights p. */
  public static void convAP(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] p = ctx.buf[args[2]];
    ConvDims d = ConvDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = a == null ? null
        : isZero(a) ? new long[d.outSize()] : ConvKernels.conv(d, a, p);
  }

  /** mpc.conv_pa [out, p, a, conv]: conv(p, a) with a public input p and shared weights a. */
  public static void convPA(Ctx ctx, int[] args) {
    long[] p = ctx.buf[args[1]];
    long[] a = ctx.buf[args[2]];
    ConvDims d = ConvDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = a == null ? null : ConvKernels.conv(d, p, a);
  }

  /** mpc.conv_vv [out, x, w, conv]: conv of two private values, at their owner only. */
  public static void convVV(Ctx ctx, int[] args) {
    long[] x = ctx.buf[args[1]];
    long[] w = ctx.buf[args[2]];
    ConvDims d = ConvDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = x == null || w == null ? null : ConvKernels.conv(d, x, w);
  }

  /** mpc.wconv_ap [out, a, p, conv]: Winograd's f(a, p) with public filters p [16, o, c]. */
  public static void wconvAP(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] p = ctx.buf[args[2]];
    ConvDims d = winogradDims(args);
    ctx.buf[args[0]] = a == null ? null
        : isZero(a) ? new long[d.outSize()] : Winograd.conv(d, a, p);
  }

  /**
   * mpc.wconv_vv [out, x, u, conv]: Winograd's f(x, u) for x and filters u [16, o, c] private
   * to the same party, at their owner only.
   */
  public static void wconvVV(Ctx ctx, int[] args) {
    long[] x = ctx.buf[args[1]];
    long[] u = ctx.buf[args[2]];
    ConvDims d = winogradDims(args);
    ctx.buf[args[0]] = x == null || u == null ? null : Winograd.conv(d, x, u);
  }

  private static ConvDims winogradDims(int[] args) {
    ConvDims d = ConvDims.of(new Args(args, 3).nextInts());
    if (!Winograd.applies(d)) {
      throw new IllegalArgumentException("winograd conv: expected a 3x3 kernel, stride 1,"
          + " dilation 1 and one group, but found " + d);
    }
    return d;
  }

  /** mpc.matmul_vv [out, x, w, mm]: matmul of two private values, at their owner only. */
  public static void matmulVV(Ctx ctx, int[] args) {
    long[] x = ctx.buf[args[1]];
    long[] w = ctx.buf[args[2]];
    MmDims mm = MmDims.of(new Args(args, 3).nextInts());
    ctx.buf[args[0]] = x == null || w == null ? null : mm.mul(x, w);
  }
}
