package onnx2mpc.runtime.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The onnx2mpc wire format. Every frame is a 4-byte big-endian length (of the rest) and then:
 *
 * <pre>
 * HELLO  type=1  int magic "OMPC", short version, int sender, int receiver,
 *                short digest length, digest (UTF-8), byte seed length (0 or 16), seed,
 *                byte proof length (0 or 48), proof (local transport only, see LocalAuth)
 * DATA   type=2  long round, int total words, int offset in words, words
 * CORR   type=3  long correlation, int total words, int offset in words, words
 * ABORT  type=4  reason (UTF-8)
 * EPOCH  type=5  long epoch, int total words (1), int offset (0), the number of epochs
 * </pre>
 *
 * Header fields are big-endian (network order); the words of DATA (one round's message to one
 * peer) and CORR (one dealer correction) are little-endian, so that encoding is a memory copy
 * on x86. A message longer than one chunk (4 MiB by default) travels as consecutive frames with
 * increasing offsets; {@link WireDecoder} copies the words into one array as they arrive. Ids
 * are party numbers, with {@link Hosts#DEALER} (-1) for the dealer. EPOCH marks the start of a
 * repetition (see {@code Session.beginEpoch}): every party sends it to every other process,
 * the dealer to nobody; it is framed like DATA.
 *
 * <p>Version 2 added EPOCH; a version-1 process would fail on it mid-run, so the handshake
 * refuses the pair instead. Version 3 added the hello's proof.
 */
final class Wire {
  static final int MAGIC = 0x4f4d5043; // "OMPC"
  static final int VERSION = 3;
  static final byte HELLO = 1;
  static final byte DATA = 2;
  static final byte CORR = 3;
  static final byte ABORT = 4;
  static final byte EPOCH = 5;
  /** Type, tag, total, offset. */
  static final int CHUNK_HEADER = 1 + 8 + 4 + 4;
  /** The largest chunk payload a receiver accepts; senders may use less. */
  static final int MAX_CHUNK_BYTES = 4 << 20;
  static final int MAX_FRAME = CHUNK_HEADER + MAX_CHUNK_BYTES;
  static final int MAX_REASON_BYTES = 16 << 10;

  private Wire() {}

  /**
   * The handshake: who is talking to whom, in which program, (from the lower id) a seed, and
   * without TLS the proof that the sender holds its compile-time key ({@link LocalAuth}).
   */
  record Hello(int magic, int version, int sender, int receiver, String digest, byte[] seed,
      byte[] auth) {
    static Hello of(int sender, int receiver, String digest, byte[] seed) {
      return new Hello(MAGIC, VERSION, sender, receiver, digest, seed, null);
    }

    static Hello of(int sender, int receiver, String digest, byte[] seed, byte[] auth) {
      return new Hello(MAGIC, VERSION, sender, receiver, digest, seed, auth);
    }
  }

  /** A reassembled DATA, CORR or EPOCH message. */
  record Message(byte kind, long tag, long[] words) {}

  /** The peer gave up; the reason is its own one-line error. */
  record Abort(String reason) {}

  /** "party 2" or "the dealer". */
  static String label(int id) {
    return id == Hosts.DEALER ? "the dealer" : "party " + id;
  }

  /** The prefix of this process's messages: "party 2" or "dealer". */
  static String self(int id) {
    return id == Hosts.DEALER ? "dealer" : "party " + id;
  }

  static ByteBuf encodeHello(ByteBufAllocator alloc, Hello h) {
    byte[] digest = h.digest().getBytes(StandardCharsets.UTF_8);
    if (digest.length > 0xffff) {
      throw new IllegalArgumentException("digest: longer than 65535 bytes");
    }
    int seedLen = h.seed() == null ? 0 : h.seed().length;
    int authLen = h.auth() == null ? 0 : h.auth().length;
    int len = 1 + 4 + 2 + 4 + 4 + 2 + digest.length + 1 + seedLen + 1 + authLen;
    ByteBuf b = alloc.buffer(4 + len);
    b.writeInt(len).writeByte(HELLO).writeInt(h.magic()).writeShort(h.version())
        .writeInt(h.sender()).writeInt(h.receiver()).writeShort(digest.length).writeBytes(digest)
        .writeByte(seedLen);
    if (seedLen > 0) {
      b.writeBytes(h.seed());
    }
    b.writeByte(authLen);
    if (authLen > 0) {
      b.writeBytes(h.auth());
    }
    return b;
  }

  static ByteBuf encodeAbort(ByteBufAllocator alloc, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(r.length, MAX_REASON_BYTES);
    ByteBuf b = alloc.buffer(4 + 1 + n);
    b.writeInt(1 + n).writeByte(ABORT).writeBytes(r, 0, n);
    return b;
  }

  /**
   * Encodes one message as frames of at most {@code chunkWords} words each and hands every
   * frame to {@code sink}, which takes ownership (an empty message is one empty frame, so that
   * the receiver still sees the round). {@link Link#send} writes the same frames from its own
   * buffers; tests use this to feed a decoder.
   */
  static void encodeMessage(ByteBufAllocator alloc, byte kind, long tag, long[] words,
      int chunkWords, Consumer<ByteBuf> sink) {
    int off = 0;
    do {
      int n = Math.min(chunkWords, words.length - off);
      ByteBuf b = alloc.ioBuffer(chunkFrameBytes(n));
      try {
        encodeChunk(b, kind, tag, words, off, n);
      } catch (RuntimeException | Error e) {
        b.release();
        throw e;
      }
      sink.accept(b);
      off += n;
    } while (off < words.length);
  }

  /** The bytes of a frame carrying {@code n} words, length field included. */
  static int chunkFrameBytes(int n) {
    return 4 + CHUNK_HEADER + 8 * n;
  }

  /** Appends the frame of words {@code off..off+n-1} of a message to {@code b}. */
  static void encodeChunk(ByteBuf b, byte kind, long tag, long[] words, int off, int n) {
    encodeChunk(b, kind, tag, new long[][] {words}, words.length, off, n);
  }

  /**
   * Appends the frame of words {@code off..off+n-1} of the message that is the concatenation
   * of {@code parts} ({@code total} words), copying from the parts directly.
   */
  static void encodeChunk(ByteBuf b, byte kind, long tag, long[][] parts, int total, int off,
      int n) {
    b.writeInt(CHUNK_HEADER + 8 * n).writeByte(kind).writeLong(tag).writeInt(total)
        .writeInt(off);
    if (n == 0) {
      return;
    }
    LongBuffer to = b.nioBuffer(b.writerIndex(), 8 * n).order(ByteOrder.LITTLE_ENDIAN)
        .asLongBuffer();
    int p = 0;
    int at = off;
    while (at >= parts[p].length) {
      at -= parts[p].length;
      p++;
    }
    for (int left = n; left > 0; p++, at = 0) {
      int k = Math.min(left, parts[p].length - at);
      to.put(parts[p], at, k);
      left -= k;
    }
    b.writerIndex(b.writerIndex() + 8 * n);
  }

  /** Words in all of {@code parts}. */
  static int totalWords(long[][] parts) {
    long total = 0;
    for (long[] p : parts) {
      total += p.length;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("message of " + total + " words is too long");
    }
    return (int) total;
  }

  /** Copies {@code n} little-endian words from {@code src}'s reader index into dst. */
  static void readWords(ByteBuf src, long[] dst, int off, int n) {
    if (src.nioBufferCount() == 1) {
      src.nioBuffer(src.readerIndex(), 8 * n).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
          .get(dst, off, n);
      src.skipBytes(8 * n);
    } else {
      for (int i = 0; i < n; i++) {
        dst[off + i] = src.readLongLE();
      }
    }
  }
}
