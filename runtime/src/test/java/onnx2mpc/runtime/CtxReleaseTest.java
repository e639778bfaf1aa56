package onnx2mpc.runtime;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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
