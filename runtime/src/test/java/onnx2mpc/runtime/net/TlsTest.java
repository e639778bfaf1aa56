package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import onnx2mpc.runtime.ProtocolException;
import org.junit.jupiter.api.Test;

/** Mutual TLS 1.3 with pinned certificates: two parties and a dealer over 127.0.0.1. */
class TlsTest extends HandshakeTestBase {
  private <T> Future<T> run(Callable<T> c) {
    return pool.submit(c);
  }

  /** Every byte received on any connection, as it came off the socket (before TLS). */
  @io.netty.channel.ChannelHandler.Sharable
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream raw = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        synchronized (raw) {
          raw.writeBytes(ByteBufUtil.getBytes(b));
        }
      }
      ctx.fireChannelRead(msg);
    }

    boolean contains(byte[] needle) {
      byte[] hay;
      synchronized (raw) {
        hay = raw.toByteArray();
      }
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }

  record Seen(List<byte[]> seeds, List<String> protocols, boolean pinned) {}

  private Seen roundTrip(NetOptions[] opts, NetOptions dealerOpts, Recorder rec)
      throws Exception {
    return roundTrip(pool, opts, dealerOpts, rec);
  }

  /**
   * One round and one correction between parties 0, 1 and the dealer, run on {@code pool};
   * what party 1 saw. Every process's received bytes go to {@code rec}.
   */
  static Seen roundTrip(ExecutorService pool, NetOptions[] opts, NetOptions dealerOpts,
      Recorder rec) throws Exception {
    Setup.wireTap = ch -> ch.pipeline().addFirst(rec);
    Hosts hosts = Loopback.hosts(2);
    java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(1);
    Future<?> dealer = pool.submit(() -> {
      try (NetDealerSession d = NetDealerSession.accept(hosts, 2, "t1", dealerOpts)) {
        d.sendToParty0(0, new long[] {42});
        looked.await(20, TimeUnit.SECONDS);
      }
      return null;
    });
    Future<?> p0 = pool.submit(() -> {
      try (NetSession s = NetSession.connect(hosts, 0, 2, "t1", opts[0])) {
        assertArrayEquals(new long[] {7}, s.exchange(0, new long[][] {null, {5}})[1]);
        assertArrayEquals(new long[] {42}, s.fromDealer(0, 1));
      }
      return null;
    });
    try (NetSession s = NetSession.connect(hosts, 1, 2, "t1", opts[1])) {
      // Looked at before any peer may close (a closed channel's pipeline is emptied).
      List<byte[]> seeds = new ArrayList<>();
      List<String> protocols = new ArrayList<>();
      boolean pinned = true;
      for (int peer : new int[] {Hosts.DEALER, 0}) {
        Link l = endpoint(s).link(peer);
        seeds.add(l.seed);
        SslHandler ssl = l.channel.pipeline().get(SslHandler.class);
        if (ssl != null) {
          SSLSession session = ssl.engine().getSession();
          protocols.add(session.getProtocol());
          pinned &= session.getPeerCertificates()[0].equals(
              opts[1].tls().certificate(peer));
          pinned &= session.getLocalCertificates()[0].equals(opts[1].tls().certificate(1));
        }
      }
      looked.countDown();
      assertArrayEquals(new long[] {5}, s.exchange(0, new long[][] {{7}, null})[0]);
      p0.get(20, TimeUnit.SECONDS);
      dealer.get(20, TimeUnit.SECONDS);
      return new Seen(seeds, protocols, pinned);
    }
  }

  private static Endpoint endpoint(NetSession s) throws ReflectiveOperationException {
    java.lang.reflect.Field f = NetSession.class.getDeclaredField("ep");
    f.setAccessible(true);
    return (Endpoint) f.get(s);
  }

  @Test
  void seedsNeverAppearOnTheWireAndPeersArePinned() throws Exception {
    TestKeys keys = new TestKeys(2);
    Recorder rec = new Recorder();
    Seen seen = roundTrip(new NetOptions[] {keys.options(BASE, 0), keys.options(BASE, 1)},
        keys.options(BASE, Hosts.DEALER), rec);
    assertEquals(List.of("TLSv1.3", "TLSv1.3"), seen.protocols());
    assertTrue(seen.pinned(), "peer certificates are the pinned ones");
    assertTrue(rec.raw.size() > 1000, "recorded " + rec.raw.size() + " bytes");
    for (byte[] seed : seen.seeds()) {
      assertFalse(rec.contains(seed), "a seed appears in the clear on the wire");
    }
  }

  /** The recorder does see seeds without TLS: the check above is not vacuous. */
  @Test
  void withoutTlsTheSeedIsOnTheWire() throws Exception {
    NetOptions plain = BASE.withPlaintext();
    Recorder rec = new Recorder();
    Seen seen = roundTrip(new NetOptions[] {plain, plain}, plain, rec);
    assertEquals(List.of(), seen.protocols());
    assertTrue(rec.contains(seen.seeds().get(0)) || rec.contains(seen.seeds().get(1)));
  }

  @Test
  void aPeerFromAnotherCompileIsRefused() throws Exception {
    TestKeys keys = new TestKeys(2);
    TestKeys other = new TestKeys(2);
    Hosts hosts = Loopback.hosts(2);
    NetOptions fast = BASE.withConnectTimeout(Duration.ofSeconds(5));
    Future<?> dealer = run(() -> NetDealerSession.accept(hosts, 2, "t2",
        keys.options(fast, Hosts.DEALER)));
    Future<?> p0 = run(() -> NetSession.connect(hosts, 0, 2, "t2", keys.options(fast, 0)));
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 1, 2, "t2", other.options(fast, 1)));
    // Party 1 dials the dealer first: the dealer's certificate is not the one it pins.
    assertTrue(e.getMessage().startsWith("party 1: TLS handshake with the dealer at "),
        e.getMessage());
    assertTrue(e.getMessage().contains("the peer presented certificate CN=onnx2mpc dealer"),
        e.getMessage());
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    assertTrue(d.getCause().getMessage().startsWith("dealer: "), d.getCause().getMessage());
    p0.cancel(true);
  }

  @Test
  void theListenerRefusesAClientCertificateNotInTheProgram() throws Exception {
    TestKeys keys = new TestKeys(2);
    TestKeys other = new TestKeys(2);
    Hosts hosts = Loopback.hosts(2);
    NetOptions fast = BASE.withConnectTimeout(Duration.ofSeconds(5));
    Future<?> dealer = run(() -> NetDealerSession.accept(hosts, 2, "t3",
        keys.options(fast, Hosts.DEALER)));
    // Party 1 trusts the right dealer, but presents a certificate of another compile.
    java.util.Map<Integer, java.security.cert.X509Certificate> certs =
        new java.util.HashMap<>(keys.certs);
    Tls forged = Tls.of(1, other.keys.get(1), other.certs.get(1), certs);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 1, 2, "t3", fast.withTls(forged)));
    assertTrue(e.getMessage().startsWith("party 1: TLS handshake with the dealer at "),
        e.getMessage());
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    String m = d.getCause().getMessage();
    assertTrue(m.startsWith("dealer: TLS handshake with peer at 127.0.0.1:"), m);
    assertTrue(m.contains("the peer presented certificate CN=onnx2mpc party 1"), m);
  }

  @Test
  void aPartyClaimingAnotherIdIsRefused() throws Exception {
    TestKeys keys = new TestKeys(3);
    Hosts hosts = Loopback.hosts(3);
    NetOptions fast = BASE.withConnectTimeout(Duration.ofSeconds(5));
    Future<?> dealer = run(() -> NetDealerSession.accept(hosts, 3, "t4",
        keys.options(fast, Hosts.DEALER)));
    // Party 2's own key and certificate (valid in this program), but it says it is party 1.
    Tls impostor = Tls.of(1, keys.keys.get(2), keys.certs.get(2), keys.certs);
    assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 1, 3, "t4", fast.withTls(impostor)));
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    String m = d.getCause().getMessage();
    assertTrue(m.startsWith("dealer: peer at 127.0.0.1:"), m);
    assertTrue(m.contains("claims to be party 1 but its TLS certificate is CN=onnx2mpc party 2"),
        m);
  }

  @Test
  void noKeyMaterialIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetSession.connect(Loopback.hosts(2), 0, 2, "t5", BASE));
    assertTrue(e.getMessage().contains("no TLS key material"), e.getMessage());
    assertNull(BASE.tls());
    assertNotNull(BASE.withPlaintext().tls());
  }
}
