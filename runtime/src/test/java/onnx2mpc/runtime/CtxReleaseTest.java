package onnx2mpc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import onnx2mpc.runtime.local.LocalNetwork;
import org.junit.jupiter.api.Test;

/** Ctx.release recycles a freed value's array only once nothing else refers to it. */
class CtxReleaseTest {
  private static final int N = BufferPool.MIN_WORDS;

  private static Ctx ctx() {
    return new Ctx(LocalNetwork.create(1).party(0), 4, null, new Metrics(0), new HashMap<>(),
        new BufferPool(1 << 20));
  }

  /** A value from the pool, in slot 0. */
  private static long[] inSlot0(Ctx ctx) {
    long[] v = ctx.alloc(N);
    ctx.buf[0] = v;
    return v;
  }

  @Test
  void aFreedSlotStillHeldElsewhereIsNotRecycled() {
    Ctx ctx = ctx();
    long[] v = inSlot0(ctx);
    ctx.buf[1] = v; // a kernel passed the value on as it is
    ctx.release(0);
    assertNotSame(v, ctx.alloc(N), "slot 1 still holds it");
    ctx.release(1);
    assertSame(v, ctx.alloc(N));
  }

  @Test
  void aStagedShareIsRecycledOnlyOnceSent() {
    Ctx ctx = ctx();
    long[] share = inSlot0(ctx);
    ctx.stageOpen(1, share, false);
    ctx.release(0);
    assertNotSame(share, ctx.alloc(N), "staged for the exchange");
    ctx.exchange(1);
    // One party: the opened value is its own share, now in slot 1.
    assertSame(share, ctx.buf[1]);
    ctx.release(1);
    assertSame(share, ctx.alloc(N));
  }

  /**
   * Two openings for a product share one received message: each keeps its own share (and the
   * message) until released, and a kernel that needs a whole value gets the sum. (Messages of
   * the in-process network are not the pool's, so their recycling is not seen here.)
   */
  @Test
  void openingsHeldAsHalvesComeBackOnceBothAreReleased() throws Exception {
    LocalNetwork net = LocalNetwork.create(2);
    java.util.concurrent.ExecutorService peer = java.util.concurrent.Executors
        .newSingleThreadExecutor();
    try {
      // Party 1 sends 1, 2, ... for both values.
      java.util.concurrent.Future<?> other = peer.submit(() -> {
        Ctx c1 = new Ctx(net.party(1), 4, null, new Metrics(0), new HashMap<>(),
            new BufferPool(1 << 20));
        long[] ones = new long[N];
        java.util.Arrays.fill(ones, 1);
        c1.stageOpenForProduct(2, ones);
        c1.stageOpenForProduct(3, ones.clone());
        c1.exchange(1);
        return null;
      });
      Ctx ctx = new Ctx(net.party(0), 4, null, new Metrics(0), new HashMap<>(),
          new BufferPool(1 << 20));
      long[] e = inSlot0(ctx);
      long[] d = ctx.alloc(N);
      java.util.Arrays.fill(e, 10);
      java.util.Arrays.fill(d, 20);
      ctx.stageOpenForProduct(2, e);
      ctx.stageOpenForProduct(3, d);
      ctx.release(0);
      ctx.exchange(1);
      other.get(10, java.util.concurrent.TimeUnit.SECONDS);
      Ctx.Halves he = ctx.halves(2);
      Ctx.Halves hd = ctx.halves(3);
      assertTrue(e == he.mine(), "our share of e");
      assertTrue(he.theirs() == hd.theirs(), "one message holds both");
      assertNull(ctx.buf[2]);
      ctx.release(2);
      assertNull(ctx.halves(2));
      assertTrue(e == ctx.alloc(N), "its own share comes back");
      assertTrue(d != ctx.alloc(N), "d's share is still held");
      assertEquals(21L, ctx.opened(3)[N - 1], "summed on demand");
      assertNull(ctx.halves(3));
      assertTrue(d == ctx.alloc(N), "d's share comes back once summed");
      ctx.release(3);
    } finally {
      peer.shutdownNow();
    }
  }

  @Test
  void aKeptValueIsNeverRecycled() {
    Ctx ctx = ctx();
    long[] v = inSlot0(ctx);
    ctx.keep(7, v);
    ctx.release(0);
    assertNotSame(v, ctx.alloc(N));
    assertSame(v, ctx.kept(7));
  }

  @Test
  void theEndOfARepetitionRecyclesEveryLiveValueOnce() {
    Ctx ctx = ctx();
    long[] v = inSlot0(ctx);
    ctx.buf[2] = v; // passed on as it is: two slots, one array
    long[] kept = ctx.alloc(N);
    ctx.buf[1] = kept;
    ctx.keep(7, kept);
    ctx.buf[3] = new long[N]; // not the pool's
    ctx.releaseAll();
    for (long[] slot : ctx.buf) {
      assertNull(slot);
    }
    assertSame(v, ctx.alloc(N));
    long[] next = ctx.alloc(N);
    assertNotSame(v, next, "given back once, though two slots held it");
    assertNotSame(kept, next, "kept for later repetitions");
    assertSame(kept, ctx.kept(7));
  }
}
