package onnx2mpc.runtime.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Turns frames (from {@link Wire#frameDecoder()}) into {@link Wire.Hello}, {@link Wire.Abort}
 * and whole {@link Wire.Message}s, reassembling chunked messages. Chunks of one message arrive
 * back to back (TCP keeps order and a sender writes a message's chunks in order), so one
 * message is in progress at a time; a chunk that does not continue it is a bad frame. Every
 * frame is released here, whatever happens.
 */
final class WireDecoder extends ChannelInboundHandlerAdapter {
  private byte kind;
  private long tag;
  private long[] words;
  private int filled;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf frame = (ByteBuf) msg;
    Object out;
    try {
      out = decode(frame);
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptedFrameException("truncated frame");
    } finally {
      frame.release();
    }
    if (out != null) {
      ctx.fireChannelRead(out);
    }
  }

  private Object decode(ByteBuf f) {
    byte type = f.readByte();
    switch (type) {
      case Wire.HELLO:
        return decodeHello(f);
      case Wire.DATA:
      case Wire.CORR:
      case Wire.EPOCH:
        return decodeChunk(type, f);
      case Wire.ABORT:
        return new Wire.Abort(f.readCharSequence(f.readableBytes(), StandardCharsets.UTF_8)
            .toString());
      default:
        throw new CorruptedFrameException("unknown frame type " + type);
    }
  }

  private static Wire.Hello decodeHello(ByteBuf f) {
    int magic = f.readInt();
    if (magic != Wire.MAGIC) {
      // Not ours: the rest need not parse; the handshake reports the magic.
      f.skipBytes(f.readableBytes());
      return new Wire.Hello(magic, 0, 0, 0, "", null);
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
    if (f.isReadable()) {
      throw new CorruptedFrameException("handshake frame has " + f.readableBytes()
          + " trailing bytes");
    }
    return new Wire.Hello(magic, version, sender, receiver, digest, seed);
  }

  private Wire.Message decodeChunk(byte type, ByteBuf f) {
    long t = f.readLong();
    int total = f.readInt();
    int offset = f.readInt();
    int bytes = f.readableBytes();
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
      words = new long[total];
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
    Wire.readWords(f, words, filled, n);
    filled += n;
    if (filled < words.length) {
      return null;
    }
    Wire.Message m = new Wire.Message(kind, tag, words);
    words = null;
    return m;
  }
}
