package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import onnx2mpc.runtime.prg.AesCtrPrg;
import org.junit.jupiter.api.Test;

class WireDecoderTest {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new WireDecoder());
  }

  private static List<ByteBuf> encode(byte kind, long tag, long[] words, int chunkWords) {
    List<ByteBuf> frames = new ArrayList<>();
    Wire.encodeMessage(ALLOC, kind, tag, words, chunkWords, frames::add);
    return frames;
  }

  @Test
  void helloRoundTrips() {
    EmbeddedChannel ch = channel();
    byte[] seed = AesCtrPrg.newSeed();
    ch.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(2, Hosts.DEALER, "ab12", seed)));
    Wire.Hello h = ch.readInbound();
    assertEquals(Wire.MAGIC, h.magic());
    assertEquals(Wire.VERSION, h.version());
    assertEquals(2, h.sender());
    assertEquals(Hosts.DEALER, h.receiver());
    assertEquals("ab12", h.digest());
    assertArrayEquals(seed, h.seed());

    ch.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(0, 1, "", null)));
    Wire.Hello noSeed = ch.readInbound();
    assertNull(noSeed.seed());
    assertTrue(ch.finishAndReleaseAll() || true);
  }

  /** Frames cut from parts (empty ones too, split across frames) carry their concatenation. */
  @Test
  void aMessageSentInPartsArrivesAsTheirConcatenation() {
    long[] all = new AesCtrPrg(AesCtrPrg.newSeed(), 0, 0).next(300);
    int[] cuts = {0, 0, 70, 70, 71, 200, 300, 300};
    long[][] parts = new long[cuts.length - 1][];
    for (int p = 0; p + 1 < cuts.length; p++) {
      parts[p] = java.util.Arrays.copyOfRange(all, cuts[p], cuts[p + 1]);
    }
    for (int chunk : new int[] {1, 64, 70, 299, 300, 1000}) {
      EmbeddedChannel ch = channel();
      for (int off = 0; off < all.length; off += chunk) {
        int n = Math.min(chunk, all.length - off);
        ByteBuf b = ALLOC.ioBuffer(Wire.chunkFrameBytes(n));
        Wire.encodeChunk(b, Wire.DATA, 3, parts, Wire.totalWords(parts), off, n);
        ch.writeInbound(b);
      }
      Wire.Message m = ch.readInbound();
      assertArrayEquals(all, m.words(), "frames of " + chunk + " words");
      assertNull(ch.readInbound());
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void chunkedMessagesAreReassembledFromAnySplit() {
    long[] words = new AesCtrPrg(AesCtrPrg.newSeed(), 0, 0).next(1000);
    List<ByteBuf> frames = encode(Wire.DATA, 7, words, 64);
    assertEquals(16, frames.size());
    frames.addAll(encode(Wire.CORR, 8, new long[0], 64));
    frames.add(Wire.encodeAbort(ALLOC, "party 2: gone"));
    ByteBuf stream = Unpooled.buffer();
    for (ByteBuf f : frames) {
      stream.writeBytes(f);
      f.release();
    }
    EmbeddedChannel ch = channel();
    // Feed the byte stream in odd slices, as TCP may deliver it.
    int[] sizes = {1, 3, 17, 600, 4095, 5};
    int i = 0;
    while (stream.isReadable()) {
      int n = Math.min(sizes[i++ % sizes.length], stream.readableBytes());
      ch.writeInbound(stream.readRetainedSlice(n));
    }
    stream.release();
    Wire.Message m = ch.readInbound();
    assertEquals(Wire.DATA, m.kind());
    assertEquals(7, m.tag());
    assertArrayEquals(words, m.words());
    Wire.Message empty = ch.readInbound();
    assertEquals(Wire.CORR, empty.kind());
    assertEquals(8, empty.tag());
    assertEquals(0, empty.words().length);
    Wire.Abort a = ch.readInbound();
    assertEquals("party 2: gone", a.reason());
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }

  @Test
  void unknownFrameTypeIsABadFrame() {
    EmbeddedChannel ch = channel();
    ByteBuf f = Unpooled.buffer().writeInt(3).writeByte(9).writeShort(0);
    CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
        () -> ch.writeInbound(f));
    assertEquals("unknown frame type 9", e.getMessage());
    assertEquals(0, f.refCnt());
  }

  @Test
  void chunkThatDoesNotContinueItsMessageIsABadFrame() {
    EmbeddedChannel ch = channel();
    List<ByteBuf> a = encode(Wire.DATA, 1, new long[10], 4);
    List<ByteBuf> b = encode(Wire.DATA, 2, new long[10], 4);
    ch.writeInbound(a.get(0));
    CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
        () -> ch.writeInbound(b.get(1)));
    assertEquals("chunk (type 2, tag 2, 10 words, offset 4) does not continue the message in"
        + " progress (type 2, tag 1, 10 words, 4 received)", e.getMessage());
    for (ByteBuf f : List.of(a.get(0), b.get(1))) {
      assertEquals(0, f.refCnt());
    }
    a.subList(1, a.size()).forEach(ByteBuf::release);
    b.stream().filter(f -> f.refCnt() > 0).forEach(ByteBuf::release);
  }

  @Test
  void truncatedAndOversizedFramesAreBadFrames() {
    EmbeddedChannel ch = channel();
    ByteBuf shortHello = Unpooled.buffer().writeInt(3).writeByte(Wire.HELLO).writeShort(1);
    CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
        () -> ch.writeInbound(shortHello));
    assertEquals("truncated frame", e.getMessage());

    EmbeddedChannel ch2 = channel();
    // "GET " read as a length: an HTTP client, say, is not a peer.
    ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n".getBytes());
    assertThrows(TooLongFrameException.class, () -> ch2.writeInbound(http));
    assertEquals(0, http.refCnt());
  }

  @Test
  void emptyOversizedAndRaggedFramesAreBadFrames() {
    ByteBuf empty = Unpooled.buffer().writeInt(0);
    DecoderException e = assertThrows(DecoderException.class,
        () -> channel().writeInbound(empty));
    assertEquals("frame length 0 is not in 1.." + Wire.MAX_FRAME, e.getMessage());

    // An abort may carry a short reason only, whatever length its frame claims.
    ByteBuf hugeAbort = Unpooled.buffer().writeInt(1 << 20).writeByte(Wire.ABORT);
    e = assertThrows(TooLongFrameException.class, () -> channel().writeInbound(hugeAbort));
    assertEquals("a frame of type 4 has 1048576 bytes, more than the 131072 it may have",
        e.getMessage());

    // Words are 8 bytes: a payload of 12 bytes cannot be one.
    ByteBuf ragged = Unpooled.buffer().writeInt(Wire.CHUNK_HEADER + 12).writeByte(Wire.DATA)
        .writeLong(0).writeInt(2).writeInt(0).writeZero(12);
    e = assertThrows(CorruptedFrameException.class, () -> channel().writeInbound(ragged));
    assertEquals("bad chunk: 2 words in all, 12 payload bytes", e.getMessage());
    for (ByteBuf f : List.of(empty, hugeAbort, ragged)) {
      assertEquals(0, f.refCnt());
    }
  }

  @Test
  void framesSharingOneBufferAreAllDecoded() {
    long[] a = {1, -2, 3};
    long[] b = {Long.MIN_VALUE};
    ByteBuf stream = Unpooled.buffer();
    for (ByteBuf f : encode(Wire.DATA, 1, a, 2)) {
      stream.writeBytes(f);
      f.release();
    }
    for (ByteBuf f : encode(Wire.EPOCH, 2, b, 2)) {
      stream.writeBytes(f);
      f.release();
    }
    EmbeddedChannel ch = channel();
    ch.writeInbound(stream);
    assertArrayEquals(a, ch.<Wire.Message>readInbound().words());
    assertArrayEquals(b, ch.<Wire.Message>readInbound().words());
    assertNull(ch.readInbound());
    assertEquals(0, stream.refCnt());
  }
}
