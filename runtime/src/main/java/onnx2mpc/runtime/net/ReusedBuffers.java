package onnx2mpc.runtime.net;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The connections' buffer allocator: large direct buffers (socket reads and TLS decryption
 * output, up to 4 MiB each) are kept when released and handed out again, everything else comes
 * from Netty's pooled allocator.
 *
 * <p>The pooled allocator frees a 4 MiB chunk as soon as it is empty, and a 4 MiB read buffer
 * fills a chunk, so every large read allocated and zeroed fresh direct memory: a sixth of the
 * event loop's time during a 16 MiB exchange (async-profiler, {@code ThroughputProbe}). Here a
 * released buffer waits in a free list of its power-of-two size class, up to {@link
 * #DEFAULT_KEEP_BYTES} in all, so steady traffic allocates nothing.
 */
final class ReusedBuffers extends AbstractByteBufAllocator {
  /** Smaller requests go to the pooled allocator, whose chunks they share without churn. */
  static final int MIN_REUSED = 256 << 10;
  /** Larger requests are not kept (frames are at most 4 MiB, so reads need no more). */
  static final int MAX_REUSED = 8 << 20;
  /** Released buffers kept per process: two reads and two decryptions of 4 MiB in flight. */
  static final long DEFAULT_KEEP_BYTES = 16L << 20;

  private static final int MIN_CLASS = Integer.numberOfTrailingZeros(MIN_REUSED);
  private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_REUSED) - MIN_CLASS + 1;

  private final ByteBufAllocator small = PooledByteBufAllocator.DEFAULT;
  private final long keepBytes;
  /** Free buffers per size class; guarded by this. */
  private final ArrayDeque<ByteBuffer>[] free;
  private long keptBytes;
  private long allocations;

  @SuppressWarnings("unchecked")
  ReusedBuffers(long keepBytes) {
    super(true);
    this.keepBytes = keepBytes;
    this.free = new ArrayDeque[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      free[c] = new ArrayDeque<>();
    }
  }

  ReusedBuffers() {
    this(DEFAULT_KEEP_BYTES);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return small.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    if (initialCapacity < MIN_REUSED || initialCapacity > MAX_REUSED
        || classBytes(initialCapacity) > maxCapacity) {
      return small.directBuffer(initialCapacity, maxCapacity);
    }
    return new Reused(this, initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }

  /** Fresh direct allocations so far, for tests: steady traffic should not add any. */
  synchronized long allocations() {
    return allocations;
  }

  /** The power of two at or above {@code bytes}. */
  static int classBytes(int bytes) {
    return bytes <= 1 ? 1 : Integer.highestOneBit(bytes - 1) << 1;
  }

  private static int classOf(int classBytes) {
    return Integer.numberOfTrailingZeros(classBytes) - MIN_CLASS;
  }

  /** A kept buffer of {@code bytes}' size class, or a new one; emptied either way. */
  private ByteBuffer take(int bytes) {
    int size = classBytes(bytes);
    synchronized (this) {
      ByteBuffer b = free[classOf(size)].poll();
      if (b != null) {
        keptBytes -= size;
        return b.clear();
      }
      allocations++;
    }
    return ByteBuffer.allocateDirect(size);
  }

  /** Keeps {@code b} for the next request of its size, or frees it if enough are kept. */
  private void give(ByteBuffer b) {
    int size = b.capacity();
    if (Integer.bitCount(size) == 1 && size >= MIN_REUSED && size <= MAX_REUSED) {
      synchronized (this) {
        if (keptBytes + size <= keepBytes) {
          free[classOf(size)].push(b);
          keptBytes += size;
          return;
        }
      }
    }
    PlatformDependent.freeDirectBuffer(b);
  }

  /** A direct buffer whose memory comes from, and returns to, the free lists. */
  private static final class Reused extends UnpooledUnsafeDirectByteBuf {
    Reused(ReusedBuffers alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    // Called from the superclass constructor too, so it reaches the lists through alloc().
    @Override
    protected ByteBuffer allocateDirect(int initialCapacity) {
      ReusedBuffers a = (ReusedBuffers) alloc();
      return initialCapacity >= MIN_REUSED && initialCapacity <= MAX_REUSED
          && classBytes(initialCapacity) <= maxCapacity()
          ? a.take(initialCapacity) : ByteBuffer.allocateDirect(initialCapacity);
    }

    @Override
    protected void freeDirect(ByteBuffer buffer) {
      ((ReusedBuffers) alloc()).give(buffer);
    }
  }
}
