package onnx2mpc.runtime.ops;

import java.util.Arrays;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Prg;

/**
 * Local arithmetic on additive shares over Z_2^64: x = x_0 + ... + x_{n-1}. Linear maps apply
 * to every share; a public addend is added by party 0 only, so that it is counted once. A
 * public operand another party does not need may be null there (e.g. p in {@code add_ap} at
 * parties other than 0); a null shared operand gives a null result.
 */
public final class Arith {
  private Arith() {}

  /**
   * mpc.share [out, in, owner, nonce, n]: private(owner) to arithmetic shares of n elements
   * with no communication. Party q != owner takes the stream of the seed it shares with the
   * owner at address nonce; the owner holds x - sum_{q != owner} stream(owner, q), so the
   * shares add up to x. (n is what a non-owner, which does not hold x, needs.)
   */
  public static void share(Ctx ctx, int[] args) {
    long[] x = ctx.buf[args[1]];
    int owner = args[2];
    long nonce = args[3];
    if (ctx.party == owner) {
      if (x == null) {
        throw new IllegalStateException("share: expected party " + owner
            + " to hold its private operand in slot " + args[1] + ", but found none");
      }
      long[] out = ctx.alloc(x.length);
      System.arraycopy(x, 0, out, 0, x.length);
      subtractPeerStreams(ctx, out, owner, nonce);
      ctx.buf[args[0]] = out;
    } else {
      int n;
      if (args.length > 4) {
        n = args[4];
      } else {
        throw new IllegalArgumentException("share: expected the element count n after the"
            + " nonce at non-owner party " + ctx.party + ", but found only " + args.length
            + " arguments");
      }
      long[] r = ctx.alloc(n);
      ctx.session().pairPrg(owner, nonce).fill(r);
      ctx.buf[args[0]] = r;
    }
  }

  /**
   * mpc.zero_share [out, owner, nonce, n]: the shares {@link #share} would give a private value
   * of the owner, less the value itself: party q != owner takes the stream it shares with the
   * owner at address nonce, the owner minus the sum of those streams. They depend on no input,
   * so the program makes them offline, and sharing a graph input online is then the owner's
   * mpc.add_av alone.
   */
  public static void zeroShare(Ctx ctx, int[] args) {
    int owner = args[1];
    long nonce = args[2];
    int n = args[3];
    long[] out = ctx.alloc(n);
    if (ctx.party != owner) {
      ctx.session().pairPrg(owner, nonce).fill(out);
      ctx.buf[args[0]] = out;
      return;
    }
    Arrays.fill(out, 0);
    subtractPeerStreams(ctx, out, owner, nonce);
    ctx.buf[args[0]] = out;
  }

  /** The owner's side of a sharing: out -= the stream it shares with each other party. */
  private static void subtractPeerStreams(Ctx ctx, long[] out, int owner, long nonce) {
    long[] stream = ctx.alloc(out.length);
    for (int q = 0; q < ctx.parties; q++) {
      if (q != owner) {
        ctx.session().pairPrg(q, nonce).fill(stream);
        for (int i = 0; i < out.length; i++) {
          out[i] -= stream[i];
        }
      }
    }
    ctx.recycle(stream);
  }

  /** mpc.add_aa [out, a, b]: a + b. */
  public static void addAA(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] b = ctx.buf[args[2]];
    if (a == null || b == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    check("add_aa", a, b);
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + b[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.sub_aa [out, a, b]: a - b. */
  public static void subAA(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] b = ctx.buf[args[2]];
    if (a == null || b == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    check("sub_aa", a, b);
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] - b[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.add_ap [out, a, p]: a + p, party 0 adds p. */
  public static void addAP(Ctx ctx, int[] args) {
    addPublic(ctx, args, 1);
  }

  /** mpc.sub_ap [out, a, p]: a - p, party 0 subtracts p. */
  public static void subAP(Ctx ctx, int[] args) {
    addPublic(ctx, args, -1);
  }

  private static void addPublic(Ctx ctx, int[] args, long sign) {
    long[] a = ctx.buf[args[1]];
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    if (ctx.party != 0) {
      ctx.buf[args[0]] = a; // values are never mutated: no copy needed
      return;
    }
    long[] p = ctx.buf[args[2]];
    check(sign > 0 ? "add_ap" : "sub_ap", a, p);
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + sign * p[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.sub_pa [out, p, a]: p - a; party 0 holds p - a_0, the others -a_i. */
  public static void subPA(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[2]];
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    long[] out = ctx.alloc(a.length);
    if (ctx.party == 0) {
      long[] p = ctx.buf[args[1]];
      check("sub_pa", a, p);
      for (int i = 0; i < out.length; i++) {
        out[i] = p[i] - a[i];
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = -a[i];
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.neg_a [out, a]: -a. */
  public static void negA(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = -a[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.mul_ap [out, a, p]: a * p elementwise; every party multiplies its share. */
  public static void mulAP(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    long[] p = ctx.buf[args[2]];
    check("mul_ap", a, p);
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] * p[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.mul_const [out, a, c]: a * c for a ring integer c. */
  public static void mulConst(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long c = Args.longAt(args, 2);
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] * c;
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.add_const [out, a, c]: a + c, party 0 adds c. */
  public static void addConst(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long c = ctx.party == 0 ? Args.longAt(args, 2) : 0;
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + c;
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.reduce_sum [out, a, outer, reduce, inner]: [outer, reduce, inner] summed over reduce. */
  public static void reduceSum(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    int outer = args[2];
    int reduce = args[3];
    int inner = args[4];
    if (a == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    if (a.length != outer * reduce * inner) {
      throw new IllegalArgumentException("reduce_sum: expected " + outer * reduce * inner
          + " words, but found " + a.length);
    }
    long[] out = new long[outer * inner];
    for (int o = 0; o < outer; o++) {
      int dst = o * inner;
      for (int r = 0; r < reduce; r++) {
        int src = (o * reduce + r) * inner;
        for (int i = 0; i < inner; i++) {
          out[dst + i] += a[src + i];
        }
      }
    }
    ctx.buf[args[0]] = out;
  }

  static void check(String op, long[] a, long[] b) {
    if (b == null) {
      throw new IllegalArgumentException(op + ": expected a second operand of " + a.length
          + " words, but found none");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException(op + ": expected operands of equal length, but found "
          + a.length + " and " + b.length);
    }
  }

  /** mpc.add_av [out, a, v, owner]: the owner adds its private v to its share of a. */
  public static void addAV(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    if (ctx.party != args[3]) {
      ctx.buf[args[0]] = a;
      return;
    }
    long[] v = ctx.buf[args[2]];
    long[] out = ctx.alloc(a.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] + v[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.from_public [out, p]: party 0 holds p as its share, the others zeros. */
  public static void fromPublic(Ctx ctx, int[] args) {
    long[] p = ctx.buf[args[1]];
    ctx.buf[args[0]] = ctx.party == 0 ? p : new long[p.length];
  }
}
