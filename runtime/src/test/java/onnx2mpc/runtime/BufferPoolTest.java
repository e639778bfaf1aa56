package onnx2mpc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferPoolTest {
  private static final int N = BufferPool.MIN_WORDS;

  @Test
  void aReturnedArrayServesTheNextRequestOfItsLength() {
    BufferPool p = new BufferPool(1 << 20);
    long[] a = p.take(N);
    assertTrue(p.owns(a));
    a[0] = 42;
    p.give(a);
    assertFalse(p.owns(a));
    assertNotSame(a, p.take(N + 1), "another length");
    long[] again = p.take(N);
    assertSame(a, again);
    assertEquals(42, again[0], "recycled arrays are not cleared");
    assertEquals(1, p.reused());
    assertEquals(2, p.allocated());
  }

  @Test
  void smallForeignAndDisownedArraysNeverComeBack() {
    BufferPool p = new BufferPool(1 << 20);
    long[] small = p.take(N - 1);
    assertFalse(p.owns(small));
    long[] foreign = new long[N];
    p.give(foreign);
    assertNotSame(foreign, p.take(N));
    long[] kept = p.take(N);
    p.disown(kept);
    p.give(kept);
    assertNotSame(kept, p.take(N));
    assertEquals(0, p.freeWords());
  }

  @Test
  void theOldestFreeArrayGoesWhenTheCapacityIsReached() {
    BufferPool p = new BufferPool(2L * N);
    long[] a = p.take(N);
    long[] b = p.take(N);
    long[] c = p.take(N);
    p.give(a);
    p.give(b);
    p.give(c); // a is dropped
    assertEquals(2L * N, p.freeWords());
    long[] x = p.take(N);
    long[] y = p.take(N);
    long[] z = p.take(N);
    assertSame(c, x);
    assertSame(b, y);
    assertNotSame(a, z);
    assertEquals(0, p.freeWords());
  }
}
