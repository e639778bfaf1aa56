package onnx2mpc.runtime.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The byte counts of one connection, frame headers and handshake included. Received bytes are
 * counted here as they arrive, before any message they carry is delivered; sent bytes are
 * counted by whoever writes ({@link Link#send}, {@link PeerHandler}) before the write, so that
 * the count is exact when a send returns rather than when the event loop gets to it.
 */
final class ByteCounter extends ChannelInboundHandlerAdapter {
  final AtomicLong received = new AtomicLong();
  final AtomicLong sent = new AtomicLong();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      received.addAndGet(((ByteBuf) msg).readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  /** Counts {@code buf} as sent and returns it. */
  ByteBuf count(ByteBuf buf) {
    sent.addAndGet(buf.readableBytes());
    return buf;
  }
}
