package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.prg.AesCtrPrg;
import org.junit.jupiter.api.Test;

class PeerHandlerTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** A process of 4 parties, program "abc". */
  private static final class FakeHost implements PeerHandler.Host {
    final int self;
    final List<Link> ready = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final boolean[] claimed = new boolean[4];
    int signals;

    FakeHost(int self) {
      this.self = self;
    }

    @Override
    public int self() {
      return self;
    }

    @Override
    public String digest() {
      return "abc";
    }

    @Override
    public String addressOf(int id) {
      return "h" + id + ":900" + id;
    }

    @Override
    public String expectedDialers() {
      return "one of parties " + (self + 1) + "..3";
    }

    @Override
    public boolean claim(int id) {
      if (id <= self || id > 3 || claimed[id]) {
        return false;
      }
      claimed[id] = true;
      return true;
    }

    @Override
    public void ready(Link link) {
      ready.add(link);
    }

    @Override
    public void failed(String message) {
      failures.add(message);
    }

    @Override
    public void signal() {
      signals++;
    }
  }

  private static EmbeddedChannel channel(FakeHost host, int dialed) {
    ByteCounter c = new ByteCounter();
    return new EmbeddedChannel(c, new WireDecoder(),
        new PeerHandler(host, dialed, c));
  }

  /** Decodes what the handler wrote with a second pipeline. */
  private static Wire.Hello sentHello(EmbeddedChannel ch) {
    ByteBuf out = ch.readOutbound();
    EmbeddedChannel decode = new EmbeddedChannel(new WireDecoder());
    decode.writeInbound(out);
    return decode.readInbound();
  }

  @Test
  void dialerSendsHelloAndTakesTheSeed() {
    FakeHost host = new FakeHost(2);
    EmbeddedChannel ch = channel(host, 1);
    Wire.Hello mine = sentHello(ch);
    assertEquals(2, mine.sender());
    assertEquals(1, mine.receiver());
    assertEquals("abc", mine.digest());
    assertNull(mine.seed());

    byte[] seed = AesCtrPrg.newSeed();
    ch.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(1, 2, "abc", seed)));
    assertEquals(1, host.ready.size());
    Link link = host.ready.get(0);
    assertEquals(1, link.peer);
    assertArrayEquals(seed, link.seed);

    Wire.encodeMessage(ALLOC, Wire.DATA, 0, new long[] {5, 6}, 1, ch::writeInbound);
    Wire.Message m = link.next("");
    assertArrayEquals(new long[] {5, 6}, m.words());
    assertEquals(1, host.signals);

    ch.close();
    ProtocolException e = assertThrows(ProtocolException.class, () -> link.next("party 2: "));
    assertEquals("party 2: lost connection to party 1 (h1:9001)", e.getMessage());
  }

  @Test
  void dialerReportsWhoItReachedInstead() {
    FakeHost host = new FakeHost(2);
    EmbeddedChannel ch = channel(host, 1);
    sentHello(ch);
    ch.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(3, 2, "def", AesCtrPrg.newSeed())));
    assertEquals(List.of("party 2: peer at embedded is party 3 of program def, expected party 1"
        + " of program abc"), host.failures);
    assertEquals(0, host.ready.size());
    assertFalse(ch.isOpen());
  }

  @Test
  void listenerAnswersWithASeedOrTheTruth() {
    FakeHost host = new FakeHost(0);
    EmbeddedChannel ch = channel(host, PeerHandler.LISTENER);
    ch.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(2, 0, "abc", null)));
    Wire.Hello answer = sentHello(ch);
    assertEquals(0, answer.sender());
    assertEquals(2, answer.receiver());
    assertEquals(AesCtrPrg.SEED_BYTES, answer.seed().length);
    assertArrayEquals(answer.seed(), host.ready.get(0).seed);

    // Party 2 again: already connected.
    EmbeddedChannel again = channel(host, PeerHandler.LISTENER);
    again.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(2, 0, "abc", null)));
    assertNull(sentHello(again).seed());
    assertEquals(List.of("party 0: peer at embedded is party 2 of program abc, expected one of"
        + " parties 1..3 that has not yet connected"), host.failures);

    // A dialer that thinks it reached party 1.
    FakeHost h1 = new FakeHost(0);
    EmbeddedChannel wrong = channel(h1, PeerHandler.LISTENER);
    wrong.writeInbound(Wire.encodeHello(ALLOC, Wire.Hello.of(3, 1, "abc", null)));
    assertEquals(List.of("party 0: peer at embedded is party 3 and expected to reach party 1"
        + " here; do all processes use the same hosts file?"), h1.failures);
  }

  @Test
  void badFirstFrameFailsTheHandshake() {
    FakeHost host = new FakeHost(Hosts.DEALER);
    EmbeddedChannel ch = channel(host, PeerHandler.LISTENER);
    Wire.encodeMessage(ALLOC, Wire.DATA, 0, new long[1], 1, ch::writeInbound);
    assertEquals(List.of("dealer: peer at embedded sent data before the handshake; it is not an"
        + " onnx2mpc process of this run"), host.failures);

    FakeHost h2 = new FakeHost(0);
    EmbeddedChannel garbage = channel(h2, PeerHandler.LISTENER);
    garbage.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("GET / HTTP/1.1\r\n".getBytes()));
    assertEquals(1, h2.failures.size());
    // "GET " read as a big-endian length.
    assertEquals("party 0: peer at embedded broke the handshake (bad frame: frame length"
        + " 1195725856 is not in 1.." + Wire.MAX_FRAME + ")", h2.failures.get(0));
    assertFalse(garbage.isOpen());
  }
}
