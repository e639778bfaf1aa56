package onnx2mpc.runtime.ops;

import static onnx2mpc.runtime.ops.MpcTestKit.F;
import static onnx2mpc.runtime.ops.MpcTestKit.conv;
import static onnx2mpc.runtime.ops.MpcTestKit.fixed;
import static onnx2mpc.runtime.ops.MpcTestKit.naiveConv;
import static onnx2mpc.runtime.ops.MpcTestKit.naiveMatmul;
import static onnx2mpc.runtime.ops.MpcTestKit.reveal;
import static onnx2mpc.runtime.ops.MpcTestKit.run;
import static onnx2mpc.runtime.ops.MpcTestKit.share;
import static onnx2mpc.runtime.ops.MpcTestKit.with;
import static onnx2mpc.runtime.ops.MpcTestKit.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import onnx2mpc.runtime.Ctx;

/**
 * Conformance suite, arithmetic part: every party count in {@link PartyCounts}, all parties and
 * the dealer as threads with real opens; results are revealed and compared with plaintext,
 * exactly for ring operations and within 1 ulp for truncation.
 */
class ArithConformanceTest {
  private final Random rnd = new Random(42);

  /**
   * Sharing, then opening and revealing, gives back the input. So does sharing in two steps
   * (how a graph input is shared, the first offline): mpc.zero_share, whose shares open to
   * zero, then the owner's mpc.add_av, which gives every party the very share of mpc.share.
   */
  @PartyCounts
  void shareThenOpenGivesTheInput(int n) {
    long[] x = words(rnd, 1000);
    int owner = n - 1;
    List<long[][]> res = run(n, ctx -> {
      if (ctx.party == owner) {
        ctx.buf[1] = x;
      }
      share(ctx, 2, 1, owner, 7, x.length);
      Comm.open(ctx, new int[] {3, 2});
      Comm.reveal(ctx, new int[] {4, 2, 1 << 1});
      Arith.zeroShare(ctx, new int[] {5, owner, 7, x.length});
      long[] zero = ctx.buf[5].clone();
      Arith.addAV(ctx, new int[] {6, 5, 1, owner});
      Comm.open(ctx, new int[] {7, 5});
      ctx.exchange(0);
      return new long[][] {ctx.buf[3], ctx.buf[4], ctx.buf[2], ctx.buf[6], ctx.buf[7], zero};
    });
    for (int p = 0; p < n; p++) {
      assertArrayEquals(res.get(p)[2], res.get(p)[3], "two-step share at party " + p);
      assertArrayEquals(new long[x.length], res.get(p)[4], "zero sharing opened at party " + p);
      assertTrue(res.get(p)[5][0] != 0, "a share of zero is zero at party " + p);
      assertArrayEquals(x, res.get(p)[0], "open at party " + p);
      if (p == 1) {
        assertArrayEquals(x, res.get(p)[1], "reveal to party 1");
      } else {
        assertNull(res.get(p)[1], "reveal to party 1 only, seen at party " + p);
      }
      assertTrue(res.get(p)[2][0] != x[0], "a share equals the secret at party " + p);
    }
  }

  @PartyCounts
  void localLinearOpsMatchPlaintext(int n) {
    long[] x = fixed(rnd, 1000, 100);
    long[] y = fixed(rnd, 1000, 100);
    long[] p = fixed(rnd, 1000, 100);
    long[] pm = fixed(rnd, 50 * 7, 4);
    long[] pl = fixed(rnd, 8 * 20, 4);
    long[] w = fixed(rnd, 4 * 10 * 9, 4);
    long c = 0x123456789L;
    int[] mmAp = {1, 20, 50, 7, 1, 0};
    int[] mmPa = {1, 8, 20, 50, 0, 1};
    int[] cv = conv(1, 10, 10, 10, 4, 3, 3, 1, 1, 1, 1);
    int[] cvPa = conv(1, 10, 10, 10, 10, 2, 5, 1, 0, 1, 1);
    List<long[][]> res = run(n, ctx -> {
      if (ctx.party == 0) {
        ctx.buf[1] = x;
      }
      if (ctx.party == n - 1) {
        ctx.buf[3] = y;
      }
      ctx.buf[5] = p;
      ctx.buf[6] = pm;
      ctx.buf[7] = pl;
      ctx.buf[8] = w;
      share(ctx, 2, 1, 0, 1, 1000);
      share(ctx, 4, 3, n - 1, 2, 1000);
      Arith.addAA(ctx, new int[] {20, 2, 4});
      Arith.subAA(ctx, new int[] {21, 2, 4});
      Arith.addAP(ctx, new int[] {22, 2, 5});
      Arith.subAP(ctx, new int[] {23, 2, 5});
      Arith.subPA(ctx, new int[] {24, 5, 2});
      Arith.negA(ctx, new int[] {25, 2});
      Arith.mulAP(ctx, new int[] {26, 2, 5});
      Arith.mulConst(ctx, new int[] {27, 2, (int) (c >>> 32), (int) c});
      Arith.addConst(ctx, new int[] {28, 2, (int) (c >>> 32), (int) c});
      Arith.reduceSum(ctx, new int[] {29, 2, 4, 25, 10});
      Linear.matmulAP(ctx, with(new int[] {30, 2, 6}, mmAp));
      Linear.matmulPA(ctx, with(new int[] {31, 7, 2}, mmPa));
      Linear.convAP(ctx, with(new int[] {32, 2, 8}, cv));
      Linear.convPA(ctx, with(new int[] {33, 5, 4}, cvPa));
      long[][] out = new long[14][];
      for (int i = 0; i < out.length; i++) {
        Comm.reveal(ctx, new int[] {100 + i, 20 + i, (1 << n) - 1});
      }
      ctx.exchange(0);
      for (int i = 0; i < out.length; i++) {
        out[i] = ctx.buf[100 + i];
      }
      return out;
    });
    long[][] want = new long[14][1000];
    for (int i = 0; i < 1000; i++) {
      want[0][i] = x[i] + y[i];
      want[1][i] = x[i] - y[i];
      want[2][i] = x[i] + p[i];
      want[3][i] = x[i] - p[i];
      want[4][i] = p[i] - x[i];
      want[5][i] = -x[i];
      want[6][i] = x[i] * p[i];
      want[7][i] = x[i] * c;
      want[8][i] = x[i] + c;
    }
    want[9] = new long[40];
    for (int o = 0; o < 4; o++) {
      for (int r = 0; r < 25; r++) {
        for (int i = 0; i < 10; i++) {
          want[9][o * 10 + i] += x[(o * 25 + r) * 10 + i];
        }
      }
    }
    want[10] = naiveMatmul(MmDims.of(mmAp), x, pm);
    want[11] = naiveMatmul(MmDims.of(mmPa), pl, x);
    want[12] = naiveConv(ConvDims.of(cv), x, w);
    want[13] = naiveConv(ConvDims.of(cvPa), p, y);
    for (long[][] got : res) {
      for (int i = 0; i < want.length; i++) {
        assertArrayEquals(want[i], got[i], "op #" + i);
      }
    }
  }

  /** Runs x * y through a dealer triple and Beaver recombination; x from party 0, y from n-1. */
  private long[] beaver(int n, int kind, int[] dims, long[] x, long[] y,
      java.util.function.BiConsumer<Ctx, int[]> kernel) {
    return beaver(n, kind, dims, x, y, kernel, Comm::open);
  }

  /** As above, with {@code open} opening e and d. */
  private long[] beaver(int n, int kind, int[] dims, long[] x, long[] y,
      java.util.function.BiConsumer<Ctx, int[]> kernel,
      java.util.function.BiConsumer<Ctx, int[]> open) {
    int[] dealerArgs = with(new int[] {10, 11, 12, 5, kind}, dims);
    int[] recombine = kind == 0 ? new int[] {9, 7, 8, 10, 11, 12}
        : with(new int[] {9, 7, 8, 10, 11, 12}, dims);
    List<long[]> res = run(n, ctx -> {
      if (ctx.party == 0) {
        ctx.buf[1] = x;
      }
      if (ctx.party == n - 1) {
        ctx.buf[3] = y;
      }
      Dealer.triple(ctx, dealerArgs);
      share(ctx, 2, 1, 0, 1, x.length);
      share(ctx, 4, 3, n - 1, 2, y.length);
      Arith.subAA(ctx, new int[] {5, 2, 10});
      Arith.subAA(ctx, new int[] {6, 4, 11});
      open.accept(ctx, new int[] {7, 5});
      open.accept(ctx, new int[] {8, 6});
      ctx.exchange(0);
      kernel.accept(ctx, recombine);
      return reveal(ctx, 9, 1);
    }, s -> DealerSide.triple(s, dealerArgs));
    for (int p = 1; p < n; p++) {
      assertArrayEquals(res.get(0), res.get(p), "parties disagree");
    }
    return res.get(0);
  }

  /** x * y elementwise in the ring: the plaintext reference of the Beaver products. */
  private static long[] times(long[] x, long[] y) {
    long[] out = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * y[i];
    }
    return out;
  }

  /**
   * With e and d opened plainly, or for the product (with 2 parties: each party's share plus
   * the peer's message, summed as the product reads them), the same product.
   */
  @PartyCounts
  void beaverMulMatchesPlaintext(int n) {
    long[] x = words(rnd, 777);
    long[] y = words(rnd, 777);
    List<java.util.function.BiConsumer<Ctx, int[]>> opens = List.of(Comm::open,
        Comm::openForProduct);
    for (java.util.function.BiConsumer<Ctx, int[]> open : opens) {
      assertArrayEquals(times(x, y), beaver(n, 0, new int[] {777}, x, y, Beaver::mul, open));
    }
  }

  /** x * x from a square pair, with e opened plainly or for the product. */
  @PartyCounts
  void beaverSquareMatchesPlaintext(int n) {
    long[] x = words(rnd, 555);
    long[] want = times(x, x);
    for (boolean forProduct : new boolean[] {false, true}) {
      int[] dealerArgs = {10, 11, 5, x.length};
      List<long[]> res = run(n, ctx -> {
        if (ctx.party == 0) {
          ctx.buf[1] = x;
        }
        Dealer.square(ctx, dealerArgs);
        share(ctx, 2, 1, 0, 1, x.length);
        Arith.subAA(ctx, new int[] {5, 2, 10});
        if (forProduct) {
          Comm.openForProduct(ctx, new int[] {7, 5});
        } else {
          Comm.open(ctx, new int[] {7, 5});
        }
        ctx.exchange(0);
        Beaver.square(ctx, new int[] {9, 7, 10, 11});
        return reveal(ctx, 9, 1);
      }, s -> DealerSide.square(s, dealerArgs));
      for (long[] r : res) {
        assertArrayEquals(want, r, "for product: " + forProduct);
      }
    }
  }

  @PartyCounts
  void beaverMatmulMatchesPlaintext(int n) {
    int[][] mms = {{1, 5, 7, 3, 1, 1}, {3, 4, 5, 6, 1, 1}, {3, 4, 5, 6, 1, 0}, {3, 4, 5, 6, 0, 1},
        {1, 33, 70, 65, 1, 1}};
    for (int[] v : mms) {
      MmDims mm = MmDims.of(v);
      long[] a = words(rnd, mm.aSize());
      long[] b = words(rnd, mm.bSize());
      assertArrayEquals(naiveMatmul(mm, a, b), beaver(n, 1, v, a, b, Beaver::matmul),
          java.util.Arrays.toString(v));
    }
  }

  @PartyCounts
  void beaverConvMatchesNaiveConv(int n) {
    int[][] convs = {
      conv(2, 4, 7, 6, 6, 3, 3, 2, 1, 1, 2),   // groups, stride, pad
      conv(1, 3, 8, 8, 4, 3, 3, 1, 2, 2, 1),   // dilation
      conv(1, 6, 9, 9, 6, 3, 3, 1, 1, 1, 6),   // depthwise
      conv(1, 4, 5, 5, 8, 3, 3, 2, 1, 1, 4),   // depthwise, multiplier 2, stride 2
      conv(2, 8, 5, 5, 4, 1, 1, 1, 0, 1, 1),   // 1x1, direct product
      conv(1, 8, 6, 6, 4, 1, 1, 2, 0, 1, 1),   // 1x1, stride 2
      {1, 2, 6, 7, 3, 2, 3, 6, 3, 1, 2, 1, 0, 1, 1, 1}, // asymmetric kernel, stride, pads
    };
    for (int[] v : convs) {
      ConvDims d = ConvDims.of(v);
      long[] x = words(rnd, d.inSize());
      long[] w = words(rnd, d.weightSize());
      assertArrayEquals(naiveConv(d, x, w), beaver(n, 2, v, x, w, Beaver::conv),
          java.util.Arrays.toString(v));
    }
  }

  @PartyCounts
  void dealerTruncationIsWithinOneUlp(int n) {
    long[] x = fixed(rnd, 1000, 1L << 29);
    x[0] = (1L << 62) - 1;
    x[1] = -(1L << 62) + 1;
    x[2] = 0;
    x[3] = -1;
    int[] dealerArgs = {10, 11, 12, 3, x.length, F};
    List<long[]> res = run(n, ctx -> {
      if (ctx.party == 0) {
        ctx.buf[1] = x;
      }
      Dealer.trunc(ctx, dealerArgs);
      share(ctx, 2, 1, 0, 1, x.length);
      Arith.addConst(ctx, new int[] {3, 2, 1 << 30, 0});
      Arith.addAA(ctx, new int[] {4, 3, 10});
      Comm.open(ctx, new int[] {5, 4});
      ctx.exchange(0);
      Trunc.finish(ctx, new int[] {6, 5, 11, 12, F});
      return reveal(ctx, 6, 1);
    }, s -> DealerSide.trunc(s, dealerArgs));
    for (int i = 0; i < x.length; i++) {
      long err = res.get(0)[i] - (x[i] >> F);
      assertTrue(err == 0 || err == 1, "element " + i + ": x = " + x[i] + ", got "
          + res.get(0)[i] + ", want " + (x[i] >> F));
    }
  }

  @PartyCounts
  void localTruncationIsWithinOneUlp(int n) {
    assumeTrue(n == 2, "trunc_local is a 2-party protocol");
    long[] x = fixed(rnd, 5000, 1L << 14);
    List<long[]> res = run(n, ctx -> {
      if (ctx.party == 1) {
        ctx.buf[1] = x;
      }
      share(ctx, 2, 1, 1, 1, x.length);
      Trunc.local(ctx, new int[] {3, 2, F});
      return reveal(ctx, 3, 0);
    });
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] >> F, res.get(0)[i], 1, "element " + i);
    }
  }
}
