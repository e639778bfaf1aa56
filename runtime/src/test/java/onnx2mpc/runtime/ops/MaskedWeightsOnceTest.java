package onnx2mpc.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.Session;
import onnx2mpc.runtime.local.LocalNetwork;
import org.junit.jupiter.api.Test;

/**
 * The owner product x @ w with w private to party 0 over three repetitions of one session:
 * the masked weights w - b are sent in the first repetition only, every repetition computes
 * the exact product (so b stays the same), and the mask a of x is fresh in every repetition.
 */
class MaskedWeightsOnceTest {
  static final int REPS = 3;
  /** x [2, 3] @ w [3, 4], as a variadic mm attribute (count first). */
  static final int[] MM = {6, 1, 2, 3, 4, 0, 0};

  /** What party p saw in one repetition. */
  record Rep(long[] product, long offlineBytes, long[] maskA, long[] maskB) {}

  @Test
  void weightsArePublishedOnceAndEveryRepetitionIsExact() throws Exception {
    Random rnd = new Random(5);
    long[] x = MpcTestKit.words(rnd, 6);
    long[] w = MpcTestKit.words(rnd, 12);
    LocalNetwork net = LocalNetwork.create(2);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Rep>>> parties = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        Session s = net.party(p);
        parties.add(pool.submit(() -> party(s, x, w)));
      }
      Future<?> dealer = pool.submit(() -> dealer(net.dealer()));
      dealer.get(60, TimeUnit.SECONDS);
      List<Rep> owner = parties.get(0).get(60, TimeUnit.SECONDS);
      List<Rep> other = parties.get(1).get(60, TimeUnit.SECONDS);
      long[] expected = new MmDims(1, 2, 3, 4, false, false).mul(x, w);
      for (int e = 0; e < REPS; e++) {
        assertArrayEquals(expected, owner.get(e).product(), "repetition " + e);
        assertArrayEquals(expected, other.get(e).product(), "repetition " + e);
      }
      assertTrue(owner.get(0).offlineBytes() >= 8 * 12, "first repetition publishes");
      for (int e = 1; e < REPS; e++) {
        assertEquals(0, owner.get(e).offlineBytes(), "repetition " + e + " sends nothing");
        // The exact products show b is the session's; the owner no longer even expands it.
        assertNull(owner.get(e).maskB(), "repetition " + e + " needs no b at the owner");
        assertNotEquals(other.get(0).maskA()[0], other.get(e).maskA()[0], "a is fresh");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Rep> party(Session s, long[] x, long[] w) {
    Map<Integer, long[]> kept = new HashMap<>();
    List<Rep> reps = new ArrayList<>();
    for (int e = 0; e < REPS; e++) {
      s.beginEpoch(e, REPS);
      Ctx ctx = new Ctx(s, MpcTestKit.SLOTS, new MpcTestKit.Data(), new Metrics(1), kept);
      if (ctx.party == 0) {
        ctx.buf[10] = w;
      } else {
        ctx.buf[12] = x;
      }
      int[] triple = {0, 1, 2, 9, 1, 6, 1, 2, 3, 4, 0, 0, 0};
      Dealer.ownerTriple(ctx, triple);
      long before = s.bytesSent();
      Comm.publishMasked(ctx, new int[] {3, 10, 1, 0, 12});
      ctx.exchange(1);
      long offline = s.bytesSent() - before;
      Linear.matmulAP(ctx, concat(new int[] {4, 0, 3}, MM));
      Arith.addAA(ctx, new int[] {5, 2, 4});
      MpcTestKit.share(ctx, 11, 12, 1, 3, 6);
      Arith.subAA(ctx, new int[] {6, 11, 0});
      Comm.openTo(ctx, new int[] {7, 6, 0, 6});
      ctx.exchange(2);
      Linear.matmulVV(ctx, concat(new int[] {8, 7, 10}, MM));
      Arith.addAV(ctx, new int[] {9, 5, 8, 0});
      long[] product = MpcTestKit.reveal(ctx, 9, 3);
      reps.add(new Rep(product, offline, ctx.buf[0], ctx.buf[1]));
    }
    return reps;
  }

  private static void dealer(DealerSession d) {
    for (int e = 0; e < REPS; e++) {
      d.beginEpoch(e, REPS);
      DealerSide.ownerTriple(d, new int[] {0, 1, 2, 9, 1, 6, 1, 2, 3, 4, 0, 0, 0});
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * Only the owner's mask is the session's: every component of every other correlation (and
   * the owner triple's a and c) is fresh in each repetition. Party 1 expands all of them from
   * its seed, so it alone shows them.
   */
  @Test
  void everyOtherCorrelationIsFreshInEachRepetition() {
    Session s = LocalNetwork.create(2).party(1);
    List<List<long[]>> seen = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      s.beginEpoch(e, 2);
      Ctx ctx = new Ctx(s, MpcTestKit.SLOTS, new MpcTestKit.Data(), new Metrics(1));
      Dealer.triple(ctx, new int[] {0, 1, 2, 1, 0, 1, 8});
      Dealer.compareMul(ctx, new int[] {3, 4, 5, 20, 21, 2, 8, 36, 4});
      Dealer.bit(ctx, new int[] {6, 7, 3, 64});
      Dealer.bitMul(ctx, new int[] {8, 9, 10, 11, 4, 8});
      Dealer.trunc(ctx, new int[] {12, 13, 14, 5, 8, 16});
      Dealer.andMulti(ctx, new int[] {15, 16, 6, 4, 2, 1, 3});
      Dealer.ownerTriple(ctx, new int[] {17, 18, 19, 7, 0, 1, 8, 0});
      List<long[]> values = new ArrayList<>();
      for (int slot = 0; slot < 22; slot++) {
        if (ctx.buf[slot] != null) {
          values.add(ctx.buf[slot]);
        }
      }
      seen.add(values);
    }
    assertEquals(seen.get(0).size(), seen.get(1).size());
    assertTrue(seen.get(0).size() >= 20, "components expanded: " + seen.get(0).size());
    for (int i = 0; i < seen.get(0).size(); i++) {
      assertFalse(java.util.Arrays.equals(seen.get(0).get(i), seen.get(1).get(i)),
          "component " + i + " repeats across repetitions");
    }
  }
}
