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

/**
 * Conformance suite, binary part: AND via binary Beaver triples, B2A, bit slicing, and a small
 * msb circuit (A2B by Kogge-Stone addition, then B2A) checked against the plaintext sign.
 */
class BinaryConformanceTest {
  private final Random rnd = new Random(7);

  @PartyCounts
  void andAndNotMatchPlaintext(int n) {
    long[] x = words(rnd, 37);
    long[] y = words(rnd, 37);
    long[][] xs = xorShares(rnd, x, n);
    long[][] ys = xorShares(rnd, y, n);
    int[] dealerArgs = {10, 11, 12, 4, 37};
    List<long[][]> res = run(n, ctx -> {
      ctx.buf[1] = xs[ctx.party];
      ctx.buf[2] = ys[ctx.party];
      Dealer.andTriple(ctx, dealerArgs);
      Bits.xorBB(ctx, new int[] {3, 1, 10});
      Bits.xorBB(ctx, new int[] {4, 2, 11});
      Comm.openB(ctx, new int[] {5, 3});
      Comm.openB(ctx, new int[] {6, 4});
      ctx.exchange(0);
      Bits.andFinish(ctx, new int[] {7, 5, 6, 10, 11, 12});
      Bits.notB(ctx, new int[] {8, 1});
      return new long[][] {openB(ctx, 7, 1), openB(ctx, 8, 2)};
    }, s -> DealerSide.andTriple(s, dealerArgs));
    long[] and = new long[x.length];
    long[] not = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      and[i] = x[i] & y[i];
      not[i] = ~x[i];
    }
    for (long[][] got : res) {
      assertArrayEquals(and, got[0]);
      assertArrayEquals(not, got[1]);
    }
  }

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

  @PartyCounts
  void slicedSharesXorToTheBitTransposeOfEachShare(int n) {
    int count = 130;
    long[][] shares = addShares(rnd, words(rnd, count), n);
    List<long[][]> res = run(n, ctx -> {
      ctx.buf[1] = shares[ctx.party];
      for (int q = 0; q < n; q++) {
        Bits.sliceShare(ctx, new int[] {20 + q, 1, count, q, 64});
        Comm.openB(ctx, new int[] {40 + q, 20 + q});
      }
      ctx.exchange(0);
      long[][] out = new long[n][];
      for (int q = 0; q < n; q++) {
        out[q] = ctx.buf[40 + q];
      }
      return out;
    });
    int blocks = Bits.blocks(count);
    for (int q = 0; q < n; q++) {
      long[] want = new long[64 * blocks];
      for (int e = 0; e < count; e++) {
        for (int r = 0; r < 64; r++) {
          want[r * blocks + e / 64] |= (shares[q][e] >>> r & 1) << (e % 64);
        }
      }
      assertArrayEquals(want, res.get(0)[q], "share of party " + q);
    }
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

  /** Secret-shared AND of equal-length sliced values; the dealer side just mirrors the calls. */
  private interface AndGate {
    long[] and(Ctx ctx, long[] x, long[] y);
  }

  @PartyCounts
  void msbCircuitGivesTheSign(int n) {
    int count = 100;
    long[] x = fixed(rnd, count, 1000);
    List<long[]> res = run(n, ctx -> {
      // Beaver AND with a fresh and_triple, one round each; counters are this party's.
      int[] corr = {100};
      int[] round = {0};
      AndGate party = (c, a, b) -> {
        int[] d = {60, 61, 62, corr[0]++, a.length};
        c.buf[50] = a;
        c.buf[51] = b;
        Dealer.andTriple(c, d);
        Bits.xorBB(c, new int[] {52, 50, 60});
        Bits.xorBB(c, new int[] {53, 51, 61});
        Comm.openB(c, new int[] {54, 52});
        Comm.openB(c, new int[] {55, 53});
        c.exchange(round[0]++);
        Bits.andFinish(c, new int[] {56, 54, 55, 60, 61, 62});
        return c.buf[56];
      };
      if (ctx.party == 0) {
        ctx.buf[1] = x;
      }
      share(ctx, 2, 1, 0, 1, count);
      long[] msb = msb(ctx, party, 2, count);
      ctx.buf[3] = msb;
      int[] bit = {10, 11, 99, count};
      Dealer.bit(ctx, bit);
      Bits.xorBB(ctx, new int[] {4, 3, 10});
      Comm.openB(ctx, new int[] {5, 4});
      ctx.exchange(round[0]++);
      Bits.b2aFinish(ctx, new int[] {6, 5, 11, count});
      return reveal(ctx, 6, round[0]++);
    }, s -> {
      // The dealer runs the same circuit on zeros, only to issue the same correlations.
      int[] dc = {100};
      Ctx dummy = new Ctx(LocalNetwork.create(n).party(1), MpcTestKit.SLOTS,
          new MpcTestKit.Data(), new Metrics(1));
      dummy.buf[2] = new long[count];
      msb(dummy, (ctx, a, b) -> {
        DealerSide.andTriple(s, new int[] {0, 0, 0, dc[0]++, a.length});
        return new long[a.length];
      }, 2, count);
      DealerSide.bit(s, new int[] {10, 11, 99, count});
    });
    for (int i = 0; i < count; i++) {
      assertEquals(x[i] >>> 63, res.get(0)[i], "msb of " + x[i]);
    }
  }

  /**
   * msb of the shared value in slot 'in': A2B as the sum of the parties' sliced shares by
   * repeated Kogge-Stone addition, then its top row. Returns the packed msb row.
   */
  private static long[] msb(Ctx ctx, AndGate gate, int in, int count) {
    int blocks = Bits.blocks(count);
    long[] sum = null;
    for (int q = 0; q < ctx.parties; q++) {
      Bits.sliceShare(ctx, new int[] {30, in, count, q, 64});
      sum = sum == null ? ctx.buf[30] : add(ctx, gate, sum, ctx.buf[30], blocks);
    }
    ctx.buf[31] = sum;
    Bits.rows(ctx, new int[] {32, 31, blocks, 63, 1, 1});
    return ctx.buf[32];
  }

  /** Kogge-Stone: carries by 6 prefix levels over (generate, propagate) rows. */
  private static long[] add(Ctx ctx, AndGate gate, long[] a, long[] b, int blocks) {
    long[] p = xor(ctx, a, b);
    long[] g = gate.and(ctx, a, b);
    long[] pp = p;
    for (int s = 1; s < 64; s <<= 1) {
      long[] gs = shift(ctx, g, s, blocks);
      long[] ps = shift(ctx, pp, s, blocks);
      ctx.buf[33] = pp;
      ctx.buf[34] = gs;
      ctx.buf[35] = ps;
      Bits.concatRows(ctx, new int[] {36, 2, 33, 33, blocks});
      Bits.concatRows(ctx, new int[] {37, 2, 34, 35, blocks});
      ctx.buf[38] = gate.and(ctx, ctx.buf[36], ctx.buf[37]);
      Bits.rows(ctx, new int[] {39, 38, blocks, 0, 1, 64});
      Bits.rows(ctx, new int[] {40, 38, blocks, 64, 1, 64});
      g = xor(ctx, g, ctx.buf[39]);
      pp = ctx.buf[40];
    }
    return xor(ctx, p, shift(ctx, g, 1, blocks));
  }

  private static long[] xor(Ctx ctx, long[] a, long[] b) {
    ctx.buf[41] = a;
    ctx.buf[42] = b;
    Bits.xorBB(ctx, new int[] {43, 41, 42});
    return ctx.buf[43];
  }

  private static long[] shift(Ctx ctx, long[] a, int s, int blocks) {
    ctx.buf[44] = a;
    for (int i = 0; i < s; i++) {
      Bits.shiftRows(ctx, new int[] {44, 44, blocks, 64});
    }
    return ctx.buf[44];
  }
}
