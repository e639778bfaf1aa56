package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class ReusedBuffersTest {
  @Test
  void aReleasedLargeBufferIsHandedOutAgain() {
    ReusedBuffers a = new ReusedBuffers();
    ByteBuf first = a.directBuffer(4 << 20);
    assertEquals(4 << 20, first.capacity());
    long address = first.memoryAddress();
    first.writeLong(42);
    first.release();
    for (int i = 0; i < 5; i++) {
      ByteBuf again = a.directBuffer(3 << 20, 8 << 20); // same size class: 4 MiB
      assertEquals(address, again.memoryAddress(), "repetition " + i);
      assertEquals(0, again.readableBytes(), "handed out empty");
      assertEquals(4 << 20, again.capacity());
      again.release();
    }
    assertEquals(1, a.allocations());
  }

  @Test
  void sizeClassesAreKeptApart() {
    ReusedBuffers a = new ReusedBuffers();
    ByteBuf big = a.directBuffer(4 << 20);
    ByteBuf mid = a.directBuffer(1 << 20);
    big.release();
    mid.release();
    ByteBuf mid2 = a.directBuffer(700 << 10);
    assertEquals(1 << 20, mid2.capacity());
    ByteBuf big2 = a.directBuffer(4 << 20);
    assertEquals(2, a.allocations());
    mid2.release();
    big2.release();
  }

  @Test
  void smallAndHugeRequestsAreNotKept() {
    ReusedBuffers a = new ReusedBuffers();
    ByteBuf small = a.directBuffer(16 << 10);
    assertEquals(16 << 10, small.capacity());
    small.release();
    ByteBuf huge = a.directBuffer(16 << 20);
    assertEquals(16 << 20, huge.capacity());
    huge.release();
    ByteBuf heap = a.heapBuffer(1 << 20);
    assertFalse(heap.isDirect());
    heap.release();
    assertEquals(0, a.allocations());
  }

  @Test
  void aBufferThatGrowsKeepsItsContentAndReturnsBothBlocks() {
    ReusedBuffers a = new ReusedBuffers();
    ByteBuf b = a.directBuffer(256 << 10, 4 << 20);
    for (int i = 0; i < (256 << 10) / 8; i++) {
      b.writeLong(i);
    }
    b.writeLong(-1); // past the first block: grows to the next class
    assertTrue(b.capacity() >= 512 << 10 && b.capacity() <= 4 << 20, "capacity " + b.capacity());
    for (int i = 0; i < (256 << 10) / 8; i++) {
      assertEquals(i, b.readLong());
    }
    assertEquals(-1, b.readLong());
    b.release();
    long before = a.allocations();
    a.directBuffer(256 << 10).release();
    a.directBuffer(b.capacity()).release();
    assertEquals(before, a.allocations(), "both blocks were kept");
  }

  @Test
  void atMostTheKeepLimitIsHeld() {
    ReusedBuffers a = new ReusedBuffers(4 << 20);
    ByteBuf x = a.directBuffer(4 << 20);
    ByteBuf y = a.directBuffer(4 << 20);
    x.release();
    y.release(); // over the limit: freed
    ByteBuf x2 = a.directBuffer(4 << 20);
    ByteBuf y2 = a.directBuffer(4 << 20);
    assertEquals(3, a.allocations());
    assertSame(a, x2.alloc());
    x2.release();
    y2.release();
  }

  @Test
  void requestsAboveTheMaximumCapacityAreNotRoundedUp() {
    ReusedBuffers a = new ReusedBuffers();
    ByteBuf b = a.directBuffer(300 << 10, 400 << 10);
    assertEquals(300 << 10, b.capacity());
    b.release();
  }
}
