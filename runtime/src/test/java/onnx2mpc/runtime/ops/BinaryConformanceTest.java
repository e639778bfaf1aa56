package onnx2mpc.runtime.ops;

import static onnx2mpc.runtime.ops.MpcTestKit.addShares;
import static onnx2mpc.runtime.ops.MpcTestKit.fixed;
import static onnx2mpc.runtime.ops.MpcTestKit.openB;
import static onnx2mpc.runtime.ops.MpcTestKit.reveal;
import static onnx2mpc.runtime.ops.MpcTestKit.run;
import static onnx2mpc.runtime.ops.MpcTestKit.share;
import static onnx2mpc.runtime.ops.MpcTestKit.words;
import static onnx2mpc.runtime.ops.MpcTestKit.xorShares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.local.LocalNetwork;
import org.junit.jupiter.api.Test;

/**
 * Conformance suite, binary part: B2A, x times a bit, bit slicing, and the masked comparison's
 * local level and relu product, checked against plaintext.
 */
class BinaryConformanceTest {
  private final Random rnd = new Random(7);

  @PartyCounts
  void b2aGivesArithmeticBits(int n) {
    int count = 150;
    long[] b = words(rnd, Bits.blocks(count));
    long[][] bs = xorShares(rnd, b, n);
    int[] dealerArgs = {10, 11, 9, count};
    List<long[]> res = run(n, ctx -> {
      ctx.buf[1] = bs[ctx.party];
      Dealer.bit(ctx, dealerArgs);
      Bits.xorBB(ctx, new int[] {3, 1, 10});
      Comm.openB(ctx, new int[] {4, 3});
      ctx.exchange(0);
      Bits.b2aFinish(ctx, new int[] {5, 4, 11, count});
      return reveal(ctx, 5, 1);
    }, s -> DealerSide.bit(s, dealerArgs));
    long[] want = new long[count];
    for (int e = 0; e < count; e++) {
      want[e] = b[e >>> 6] >>> (e & 63) & 1;
    }
    for (long[] got : res) {
      assertArrayEquals(want, got);
    }
  }

  @PartyCounts
  void mulBitMatchesPlaintext(int n) {
    int count = 100;
    long[] x = fixed(rnd, count, 1000);
    long[] b = words(rnd, Bits.blocks(count));
    long[][] bs = xorShares(rnd, b, n);
    int[] dealerArgs = {10, 11, 12, 13, 9, count};
    List<long[]> res = run(n, ctx -> {
      if (ctx.party == 0) {
        ctx.buf[1] = x;
      }
      ctx.buf[3] = bs[ctx.party];
      share(ctx, 2, 1, 0, 1, count);
      Dealer.bitMul(ctx, dealerArgs);
      Arith.subAA(ctx, new int[] {4, 2, 12});
      Comm.open(ctx, new int[] {5, 4});
      ctx.exchange(0);
      Arith.mulAP(ctx, new int[] {6, 11, 5});
      Arith.addAA(ctx, new int[] {7, 13, 6});
      Bits.xorBB(ctx, new int[] {8, 3, 10});
      Comm.openB(ctx, new int[] {14, 8});
      ctx.exchange(1);
      Bits.bitMulFinish(ctx, new int[] {15, 14, 2, 7, count});
      return reveal(ctx, 15, 2);
    }, s -> DealerSide.bitMul(s, dealerArgs));
    for (int e = 0; e < count; e++) {
      assertEquals(x[e] * (b[e >>> 6] >>> (e & 63) & 1), res.get(0)[e], "element " + e);
    }
  }

  @org.junit.jupiter.api.Test
  void sliceMatchesBitByBit() {
    int count = 130;
    long[] x = words(rnd, count);
    int blocks = Bits.blocks(count);
    long[] got = Bits.slice(x, count, 36);
    long[] want = new long[36 * blocks];
    for (int e = 0; e < count; e++) {
      for (int r = 0; r < 36; r++) {
        want[r * blocks + e / 64] |= (x[e] >>> r & 1) << (e % 64);
      }
    }
    assertArrayEquals(want, got);
  }

  @org.junit.jupiter.api.Test
  void transpose64MatchesBitByBit() {
    long[] m = words(rnd, 64);
    long[] t = m.clone();
    Bits.transpose64(t);
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 64; j++) {
        assertEquals(m[j] >>> i & 1, t[i] >>> j & 1, "bit " + j + " of row " + i);
      }
    }
  }

  private static final int K = 36;
  private static final int GROUP = 4;

  private static long bit(long[] packed, int e) {
    return packed[e >>> 6] >>> (e & 63) & 1;
  }

  /**
   * The comparison's local level and the relu product, against plaintext: with c = x + 2^(K-1)
   * + r opened, the leaves are the less-than and equality of every group of c's and r's low
   * bits; their prefix combination (done here in the clear) and the top row give [x >= 0];
   * and the dealer's rho correlations turn that bit into x * [x >= 0]. Values include 0, +-1
   * and the ends of the range |x| < 2^(K-1).
   */
  @PartyCounts
  void compareLeavesAndReluProductMatchPlaintext(int n) {
    int count = 200;
    long[] x = fixed(rnd, count, 1000);
    long[] edges = {0, 1, -1, (1L << (K - 1)) - 1, -(1L << (K - 1)), 1L << 20, -(1L << 20)};
    System.arraycopy(edges, 0, x, 0, edges.length);
    long[] shifted = new long[count];
    for (int e = 0; e < count; e++) {
      shifted[e] = x[e] + (1L << (K - 1));
    }
    long[][] xs = addShares(rnd, x, n);
    long[][] ss = addShares(rnd, shifted, n);
    long[] sign = new long[Bits.blocks(count)];
    for (int e = 0; e < count; e++) {
      sign[e >>> 6] |= (x[e] >= 0 ? 1L : 0) << (e & 63);
    }
    long[][] signs = xorShares(rnd, sign, n);
    int groups = Compare.groupSizes(K, GROUP).length;
    int[] dealerArgs = {10, 11, 12, 13, 14, 9, count, K, GROUP};
    List<long[][]> res = run(n, ctx -> {
      ctx.buf[1] = xs[ctx.party];
      ctx.buf[2] = ss[ctx.party];
      ctx.buf[3] = signs[ctx.party];
      Dealer.compareMul(ctx, dealerArgs);
      Arith.addAA(ctx, new int[] {4, 2, 10});
      Comm.open(ctx, new int[] {5, 4});
      ctx.exchange(0);
      Compare.leaves(ctx, new int[] {6, 5, 11, count, K, GROUP});
      // The relu product from a correct sign bit (as the AND levels would give it).
      Arith.mulAP(ctx, new int[] {7, 13, 5});
      Arith.addAA(ctx, new int[] {8, 14, 7});
      Bits.xorBB(ctx, new int[] {15, 3, 12});
      Comm.openB(ctx, new int[] {16, 15});
      ctx.exchange(1);
      Bits.bitMulFinish(ctx, new int[] {17, 16, 1, 8, count});
      return new long[][] {ctx.buf[5], openB(ctx, 6, 2), reveal(ctx, 10, 3),
          reveal(ctx, 17, 4)};
    }, s -> DealerSide.compareMul(s, dealerArgs));
    long[] c = res.get(0)[0];
    long[] leaves = res.get(0)[1];
    long[] r = res.get(0)[2];
    long[] relu = res.get(0)[3];
    int blocks = Bits.blocks(count);
    long lowMask = (1L << (K - 1)) - 1;
    for (int e = 0; e < count; e++) {
      assertEquals(shifted[e] + r[e], c[e], "opened c of element " + e);
      long borrow = 0;
      int lo = 0;
      for (int g = 0; g < groups; g++) {
        int s = Math.min(GROUP, K - 1 - lo);
        long cg = c[e] >>> lo & ((1L << s) - 1);
        long rg = r[e] >>> lo & ((1L << s) - 1);
        long lt = bit(java.util.Arrays.copyOfRange(leaves, g * blocks, (g + 1) * blocks), e);
        long eq = bit(java.util.Arrays.copyOfRange(leaves, (groups + g) * blocks,
            (groups + g + 1) * blocks), e);
        assertEquals(Long.compareUnsigned(cg, rg) < 0 ? 1 : 0, lt, "G of group " + g + ", " + e);
        assertEquals(cg == rg ? 1 : 0, eq, "E of group " + g + ", element " + e);
        borrow = lt | (eq & borrow);
        lo += s;
      }
      assertEquals(Long.compareUnsigned(c[e] & lowMask, r[e] & lowMask) < 0 ? 1 : 0, borrow,
          "borrow of element " + e);
      long top = bit(java.util.Arrays.copyOfRange(leaves, 2 * groups * blocks,
          (2 * groups + 1) * blocks), e);
      assertEquals((c[e] ^ r[e]) >>> (K - 1) & 1, top, "top of element " + e);
      assertEquals(x[e] >= 0 ? 1 : 0, top ^ borrow, "sign of " + x[e]);
      assertEquals(x[e] >= 0 ? x[e] : 0, relu[e], "relu of " + x[e]);
    }
  }

  /**
   * One opening for many thresholds: the stacked leaves of c - theta_j, combined in the clear
   * as the AND rounds would, give [x >= theta_j] for every threshold and element. 150 elements,
   * so that rows of the stack start inside a word.
   */
  @PartyCounts
  void compareLeavesMultiGiveEveryThreshold(int n) {
    int count = 150;
    long[] x = fixed(rnd, count, 1000);
    long[] thresholds = {0, 1, -1, 1L << 20, -(1L << 20), 123456789L};
    x[0] = 0;
    x[1] = 1;
    x[2] = 1L << 20;
    x[3] = 123456789L;
    long[][] xs = addShares(rnd, x, n);
    int groups = Compare.groupSizes(K, GROUP).length;
    int[] dealerArgs = {10, 11, 9, count, K, GROUP};
    int[] leafArgs = new int[7 + 2 * thresholds.length];
    int[] head = {6, 5, 11, count, K, GROUP, 2 * thresholds.length};
    System.arraycopy(head, 0, leafArgs, 0, head.length);
    for (int j = 0; j < thresholds.length; j++) {
      leafArgs[7 + 2 * j] = (int) (thresholds[j] >>> 32);
      leafArgs[8 + 2 * j] = (int) thresholds[j];
    }
    List<long[][]> res = run(n, ctx -> {
      ctx.buf[1] = xs[ctx.party];
      Dealer.compare(ctx, dealerArgs);
      Arith.addConst(ctx, new int[] {3, 1, 1 << (K - 33), 0});
      Arith.addAA(ctx, new int[] {4, 3, 10});
      Comm.open(ctx, new int[] {5, 4});
      ctx.exchange(0);
      Compare.leavesMulti(ctx, leafArgs);
      return new long[][] {openB(ctx, 6, 1)};
    }, s -> DealerSide.compare(s, dealerArgs));
    long[] leaves = res.get(0)[0];
    int stacked = thresholds.length * count;
    int blocks = Bits.blocks(stacked);
    assertEquals((2 * groups + 1) * blocks, leaves.length);
    for (int j = 0; j < thresholds.length; j++) {
      for (int e = 0; e < count; e++) {
        int at = j * count + e;
        long borrow = 0;
        for (int g = 0; g < groups; g++) {
          long lt = bit(java.util.Arrays.copyOfRange(leaves, g * blocks, (g + 1) * blocks), at);
          long eq = bit(java.util.Arrays.copyOfRange(leaves, (groups + g) * blocks,
              (groups + g + 1) * blocks), at);
          borrow = lt | (eq & borrow);
        }
        long top = bit(java.util.Arrays.copyOfRange(leaves, 2 * groups * blocks,
            (2 * groups + 1) * blocks), at);
        assertEquals(x[e] >= thresholds[j] ? 1 : 0, top ^ borrow,
            "[x >= theta] for x = " + x[e] + ", theta = " + thresholds[j]);
      }
    }
  }

  @Test
  void copyBitsPlacesRowsAtAnyBitOffset() {
    long[] src = {-1L, 0x5L};
    for (long at : new long[] {0, 1, 63, 64, 100}) {
      long[] dst = new long[4];
      Bits.copyBits(src, 0, 67, dst, 0, at);
      for (int i = 0; i < 256; i++) {
        long want = i >= at && i < at + 67 ? (i - at < 64 ? 1 : 0x5L >>> (i - at - 64) & 1) : 0;
        assertEquals(want, dst[i >>> 6] >>> (i & 63) & 1, "bit " + i + " at offset " + at);
      }
    }
  }
}
