package onnx2mpc.runtime.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ProtocolException;

/**
 * One handshaken connection to one peer. The event loop fills it (messages, an abort, the
 * close); the program's thread takes messages and sends. Messages are queued without bound,
 * so a peer (the dealer) may run ahead of this process.
 */
final class Link {
  final int peer;
  /** "party 2 (127.0.0.1:9002)", for messages. */
  final String label;
  final byte[] seed;
  final Channel channel;
  final ByteCounter counter;
  private final Runnable signal;
  private final ConcurrentLinkedQueue<Wire.Message> inbox = new ConcurrentLinkedQueue<>();
  /**
   * The dealer runs ahead of party 0, but party 0 keeps at most this many words of its
   * corrections waiting (32 MiB), so the dealer's randomness never has to fit in memory whole.
   */
  static final long MAX_QUEUED_WORDS = 4L << 20;
  private final java.util.concurrent.atomic.AtomicLong queuedWords =
      new java.util.concurrent.atomic.AtomicLong();
  /**
   * Outgoing frames are encoded into these direct buffers, reused round after round, so that
   * sending allocates and zeroes nothing; a slot is reused once its last write has completed,
   * which also bounds what one sender keeps in flight. Several slots let the program's thread
   * encode the next frame while the event loop encrypts and writes the previous ones.
   */
  private static final int SEND_SLOTS = 4;
  private final ByteBuf[] slots = new ByteBuf[SEND_SLOTS];
  private final ChannelFuture[] slotWrites = new ChannelFuture[SEND_SLOTS];
  private int nextSlot;
  private volatile boolean closed;
  private volatile String failure;
  private volatile String abortReason;
  private volatile ChannelFuture lastWrite;

  Link(int peer, String address, byte[] seed, Channel channel, ByteCounter counter,
      Runnable signal) {
    this.peer = peer;
    this.label = Wire.label(peer) + " (" + address + ")";
    this.seed = seed;
    this.channel = channel;
    this.counter = counter;
    this.signal = signal;
  }

  // ---- event loop side

  void deliver(Wire.Message m) {
    inbox.add(m);
    if (peer == Hosts.DEALER && queuedWords.addAndGet(m.words().length) > MAX_QUEUED_WORDS) {
      // Stop reading: TCP flow control then holds the dealer back until we catch up.
      channel.config().setAutoRead(false);
    }
    signal.run();
  }

  void aborted(String reason) {
    abortReason = reason;
    signal.run();
  }

  /** Records why the connection is about to close (a bad frame, a reset). */
  void failed(String why) {
    if (failure == null) {
      failure = why;
    }
  }

  void closed() {
    closed = true;
    signal.run();
  }

  // ---- program side

  /** The peer's one-line error if it aborted, else null. */
  String abortReason() {
    return abortReason;
  }

  /**
   * The next message, or null if none has arrived yet.
   *
   * @throws ProtocolException "{context}lost connection to party 2 (...)" if the connection is
   *     closed and every message that came before the close has been taken
   */
  Wire.Message next(String context) {
    Wire.Message m = inbox.poll();
    if (m != null && peer == Hosts.DEALER
        && queuedWords.addAndGet(-m.words().length) < MAX_QUEUED_WORDS / 2
        && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    if (m != null || !closed) {
      return m;
    }
    // The event loop queues a message before it marks the close: poll once more after
    // seeing the close, so that nothing that arrived before it is lost.
    m = inbox.poll();
    if (m != null) {
      return m;
    }
    String reason = abortReason; // a peer that aborts closes next: its reason says more
    if (reason != null) {
      throw new ProtocolException(context + label + " aborted: " + reason);
    }
    throw new ProtocolException(context + "lost connection to " + label
        + (failure != null ? " (" + failure + ")" : ""));
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Sends one message, the concatenation of {@code parts}, chunked. Blocks while all send
   * slots are in flight, so that a fast sender (the dealer) holds bounded memory; the peer's
   * event loop reads eagerly, so the wait ends unless the peer is gone.
   */
  void send(byte kind, long tag, long[][] parts, int chunkWords, long deadlineNanos,
      String context) {
    int total = Wire.totalWords(parts);
    int off = 0;
    do {
      int n = Math.min(chunkWords, total - off);
      ByteBuf b = freeSlot(Wire.chunkFrameBytes(n), deadlineNanos, context);
      Wire.encodeChunk(b, kind, tag, parts, total, off, n);
      // The duplicate shares the slot's memory; the write releases it, the slot keeps its own
      // reference for the next frame.
      ChannelFuture f = channel.writeAndFlush(counter.count(b.retainedDuplicate()));
      slotWrites[nextSlot] = f;
      lastWrite = f;
      nextSlot = (nextSlot + 1) % SEND_SLOTS;
      off += n;
    } while (off < total);
  }

  /** The next slot, emptied, with room for {@code bytes}, once its previous write is done. */
  private ByteBuf freeSlot(int bytes, long deadlineNanos, String context) {
    ChannelFuture previous = slotWrites[nextSlot];
    if (previous != null) {
      awaitWritten(previous, deadlineNanos, context);
    }
    ByteBuf b = slots[nextSlot];
    if (b == null || b.capacity() < bytes) {
      // Wraps a buffer the garbage collector frees: nothing to release, even if a kill
      // closes the channel while the program's thread still encodes into it.
      b = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes));
      slots[nextSlot] = b;
    }
    return b.clear();
  }

  private void awaitWritten(ChannelFuture write, long deadlineNanos, String context) {
    try {
      while (!write.isDone()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new ProtocolException(context + "timed out sending to " + label
              + " (it does not read)");
        }
        write.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(context + "interrupted while sending to " + label, e);
    }
  }

  /** Best effort: tells the peer why we stop. */
  void sendAbort(String reason) {
    if (channel.isActive()) {
      lastWrite = channel.writeAndFlush(counter.count(Wire.encodeAbort(channel.alloc(), reason)));
    }
  }

  /** Waits (bounded) until everything written so far has reached the socket. */
  void drain(long timeoutMillis) {
    ChannelFuture f = lastWrite;
    if (f != null && timeoutMillis > 0 && channel.isActive()) {
      f.awaitUninterruptibly(timeoutMillis);
    }
  }
}
