package onnx2mpc.runtime.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Turns the decrypted byte stream into {@link Wire.Hello}, {@link Wire.Abort} and whole
 * {@link Wire.Message}s. The words of a DATA, CORR or EPOCH frame are copied straight from the
 * incoming buffers into the message's {@code long[]} as they arrive, so a large message is
 * never held as bytes: no frame reassembly buffer, nothing allocated per frame. The small HELLO
 * and ABORT frames are collected whole and then parsed. Chunks of one message arrive back to
 * back (TCP keeps order and a sender writes a message's chunks in order), so one message is in
 * progress at a time; a chunk that does not continue it is a bad frame. Every incoming buffer
 * is released here, whatever happens.
 */
final class WireDecoder extends ChannelInboundHandlerAdapter {
  /** The 4-byte length and the type byte. */
  private static final int PREFIX = 4 + 1;
  /** The prefix and a chunk's tag, total and offset. */
  private static final int CHUNK_PREFIX = 4 + Wire.CHUNK_HEADER;
  /** More than the largest HELLO (a digest of up to 64 KiB) or ABORT frame a peer sends. */
  private static final int MAX_SMALL_FRAME = 128 << 10;
  /** How a TLS handshake record arriving instead of a frame is reported. */
  static final String TLS_RECORD = "a TLS record";

  /** The prefix (and a chunk's header) being collected; big-endian fields. */
  private final ByteBuf head = Unpooled.buffer(CHUNK_PREFIX, CHUNK_PREFIX);
  /** The body of a HELLO or ABORT frame being collected, or null. */
  private ByteBuf small;
  private byte smallType;
  /** Payload bytes of the current chunk still to come, or -1 outside a payload. */
  private int payloadLeft = -1;
  /** The first bytes (little-endian) of a word split between two buffers, and their count. */
  private long partial;
  private int partialBytes;

  private byte kind;
  private long tag;
  private long[] words;
  private int filled;
  /** Where message arrays come from (every word gets written, so recycled ones will do). */
  private final IntFunction<long[]> arrays;

  WireDecoder() {
    this(long[]::new);
  }

  WireDecoder(IntFunction<long[]> arrays) {
    this.arrays = arrays;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable()) {
        Object out = decode(in);
        if (out != null) {
          ctx.fireChannelRead(out);
        }
      }
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptedFrameException("truncated frame");
    } finally {
      in.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    head.release();
    if (small != null) {
      small.release();
      small = null;
    }
  }

  /** Consumes bytes of {@code in}; returns what they complete, if anything. */
  private Object decode(ByteBuf in) {
    if (payloadLeft >= 0) {
      return readPayload(in);
    }
    if (small != null) {
      small.writeBytes(in, Math.min(in.readableBytes(), small.writableBytes()));
      return small.isWritable() ? null : finishSmall();
    }
    if (!fill(in, 4)) {
      return null;
    }
    int length = head.getInt(0);
    if (length >>> 16 == 0x1603) { // content type 22 (handshake), version 3.x
      throw new CorruptedFrameException(TLS_RECORD + " where an onnx2mpc frame should start");
    }
    if (length < 1 || length > Wire.MAX_FRAME) {
      throw new TooLongFrameException("frame length " + Integer.toUnsignedString(length)
          + " is not in 1.." + Wire.MAX_FRAME);
    }
    if (!fill(in, PREFIX)) {
      return null;
    }
    byte type = head.getByte(4);
    switch (type) {
      case Wire.HELLO:
      case Wire.ABORT:
        if (length > MAX_SMALL_FRAME) {
          throw new TooLongFrameException("a frame of type " + type + " has " + length
              + " bytes, more than the " + MAX_SMALL_FRAME + " it may have");
        }
        head.clear();
        smallType = type;
        small = Unpooled.buffer(length - 1, length - 1);
        return length == 1 ? finishSmall() : null;
      case Wire.DATA:
      case Wire.CORR:
      case Wire.EPOCH:
        if (length < Wire.CHUNK_HEADER) {
          throw new CorruptedFrameException("truncated frame");
        }
        if (!fill(in, CHUNK_PREFIX)) {
          return null;
        }
        startChunk(type, length - Wire.CHUNK_HEADER);
        head.clear();
        return payloadLeft == 0 ? endChunk() : null;
      default:
        throw new CorruptedFrameException("unknown frame type " + type);
    }
  }

  /** Moves bytes from {@code in} into {@link #head} until it holds {@code n}; true if it does. */
  private boolean fill(ByteBuf in, int n) {
    int missing = n - head.readableBytes();
    if (missing > 0) {
      head.writeBytes(in, Math.min(missing, in.readableBytes()));
    }
    return head.readableBytes() >= n;
  }

  private Object finishSmall() {
    ByteBuf f = small;
    small = null;
    try {
      return smallType == Wire.HELLO ? decodeHello(f)
          : new Wire.Abort(f.readCharSequence(f.readableBytes(), StandardCharsets.UTF_8)
              .toString());
    } finally {
      f.release();
    }
  }

  private static Wire.Hello decodeHello(ByteBuf f) {
    int magic = f.readInt();
    if (magic != Wire.MAGIC) {
      // Not ours: the rest need not parse; the handshake reports the magic.
      f.skipBytes(f.readableBytes());
      return new Wire.Hello(magic, 0, 0, 0, "", null, null);
    }
    int version = f.readShort();
    int sender = f.readInt();
    int receiver = f.readInt();
    String digest = f.readCharSequence(f.readUnsignedShort(), StandardCharsets.UTF_8).toString();
    byte[] seed = null;
    int seedLen = f.readUnsignedByte();
    if (seedLen > 0) {
      seed = new byte[seedLen];
      f.readBytes(seed);
    }
    byte[] auth = null;
    // An older version's hello ends here; the handshake then reports the version.
    if (f.isReadable()) {
      int authLen = f.readUnsignedByte();
      if (authLen > 0) {
        auth = new byte[authLen];
        f.readBytes(auth);
      }
    }
    if (f.isReadable()) {
      throw new CorruptedFrameException("handshake frame has " + f.readableBytes()
          + " trailing bytes");
    }
    return new Wire.Hello(magic, version, sender, receiver, digest, seed, auth);
  }

  /** Checks a chunk's header (in {@link #head}) and opens or continues its message. */
  private void startChunk(byte type, int bytes) {
    long t = head.getLong(PREFIX);
    int total = head.getInt(PREFIX + 8);
    int offset = head.getInt(PREFIX + 12);
    if (total < 0 || bytes % 8 != 0) {
      throw new CorruptedFrameException("bad chunk: " + total + " words in all, " + bytes
          + " payload bytes");
    }
    int n = bytes / 8;
    if (words == null) {
      if (offset != 0) {
        throw new CorruptedFrameException("chunk at word " + offset + " starts a message");
      }
      kind = type;
      tag = t;
      words = arrays.apply(total);
      filled = 0;
    } else if (type != kind || t != tag || total != words.length || offset != filled) {
      throw new CorruptedFrameException("chunk (type " + type + ", tag " + t + ", " + total
          + " words, offset " + offset + ") does not continue the message in progress (type "
          + kind + ", tag " + tag + ", " + words.length + " words, " + filled + " received)");
    }
    if (n > total - filled) {
      throw new CorruptedFrameException("chunk overruns its message: " + n + " words at offset "
          + offset + " of " + total);
    }
    payloadLeft = bytes;
  }

  /** Copies payload bytes of {@code in} into the message's words, whole words in bulk. */
  private Object readPayload(ByteBuf in) {
    int avail = Math.min(in.readableBytes(), payloadLeft);
    payloadLeft -= avail;
    while (partialBytes > 0 && avail > 0) {
      takeByte(in);
      avail--;
    }
    int n = avail / 8;
    if (n > 0) {
      Wire.readWords(in, words, filled, n);
      filled += n;
      avail -= 8 * n;
    }
    while (avail > 0) {
      takeByte(in);
      avail--;
    }
    return payloadLeft == 0 ? endChunk() : null;
  }

  /** One byte of a word split between buffers (words are little-endian). */
  private void takeByte(ByteBuf in) {
    partial |= (in.readByte() & 0xffL) << (8 * partialBytes);
    if (++partialBytes == 8) {
      words[filled++] = partial;
      partial = 0;
      partialBytes = 0;
    }
  }

  /** Ends the current chunk; returns its message if this was the message's last chunk. */
  private Wire.Message endChunk() {
    payloadLeft = -1;
    if (filled < words.length) {
      return null;
    }
    Wire.Message m = new Wire.Message(kind, tag, words);
    words = null;
    return m;
  }
}
