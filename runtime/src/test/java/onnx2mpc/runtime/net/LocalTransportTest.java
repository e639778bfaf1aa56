package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local transport: plain TCP over loopback, each pair proving its compile-time keys in the
 * handshake (LocalAuth). Two parties and a dealer over 127.0.0.1.
 */
class LocalTransportTest {
  private static final NetOptions BASE = NetOptions.defaults()
      .withConnectTimeout(Duration.ofSeconds(5)).withRoundTimeout(Duration.ofSeconds(10));
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    Setup.wireTap = null;
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static NetOptions local(TestKeys keys, int id) {
    return BASE.withLocal(keys.tls(id));
  }

  @Test
  void dataCrossesUnencryptedButTheSeedsDoNot() throws Exception {
    TestKeys keys = new TestKeys(2);
    TlsTest.Recorder rec = new TlsTest.Recorder();
    TlsTest.Seen seen = TlsTest.roundTrip(pool,
        new NetOptions[] {local(keys, 0), local(keys, 1)}, local(keys, Hosts.DEALER), rec);
    assertEquals(List.of(), seen.protocols(), "no TLS on any connection");
    // The words themselves travel in the clear (the recorder finds the dealer's correction).
    assertTrue(rec.contains(new byte[] {42, 0, 0, 0, 0, 0, 0, 0}), "correction 42 in the clear");
    for (byte[] seed : seen.seeds()) {
      assertEquals(16, seed.length);
      assertFalse(rec.contains(seed), "a pairwise seed appears in the clear on the wire");
    }
  }

  @Test
  void aPeerWithAnotherCompilesKeysIsRefused() throws Exception {
    TestKeys keys = new TestKeys(2);
    TestKeys other = new TestKeys(2);
    Hosts hosts = Loopback.hosts(2);
    Future<?> dealer = pool.submit(() -> NetDealerSession.accept(hosts, 2, "l1",
        local(keys, Hosts.DEALER)));
    Future<?> p0 = pool.submit(() -> NetSession.connect(hosts, 0, 2, "l1", local(keys, 0)));
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 1, 2, "l1", local(other, 1)));
    assertTrue(e.getMessage().startsWith("party 1: "), e.getMessage());
    // The dealer refuses party 1's proof, so that party 1 never gets a seed.
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    String m = d.getCause().getMessage();
    assertTrue(m.startsWith("dealer: peer at 127.0.0.1:"), m);
    assertTrue(m.contains("claims to be party 1 but does not prove it holds that process's"
        + " key"), m);
    p0.cancel(true);
  }

  @Test
  void aPartyClaimingAnotherIdIsRefused() throws Exception {
    TestKeys keys = new TestKeys(3);
    Hosts hosts = Loopback.hosts(3);
    Future<?> dealer = pool.submit(() -> NetDealerSession.accept(hosts, 3, "l2",
        local(keys, Hosts.DEALER)));
    // Party 2's own valid key, but it says it is party 1.
    Tls impostor = Tls.of(1, keys.keys.get(2), keys.certs.get(2), keys.certs);
    assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 1, 3, "l2", BASE.withLocal(impostor)));
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    assertTrue(d.getCause().getMessage().contains("claims to be party 1 but does not prove"),
        d.getCause().getMessage());
  }

  @Test
  void aProcessOffThisMachineIsRefusedBeforeConnecting() {
    TestKeys keys = new TestKeys(2);
    String text = Loopback.hostsText(2).replaceFirst("dealer 127\\.0\\.0\\.1:", "dealer 10.1.2.3:");
    Hosts hosts = Hosts.parse(text, "hosts.txt");
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 0, 2, "l3", local(keys, 0)));
    assertEquals("party 0: --transport local needs every process on this machine, but the"
        + " dealer is at 10.1.2.3:" + hosts.address(Hosts.DEALER).getPort() + " in hosts.txt,"
        + " not a loopback address; across machines use TLS (the default)", e.getMessage());
  }

  @Test
  void aTlsPeerIsToldToUseTheSameTransport() throws Exception {
    TestKeys keys = new TestKeys(2);
    Hosts hosts = Loopback.hosts(2);
    Future<?> dealer = pool.submit(() -> NetDealerSession.accept(hosts, 2, "l4",
        local(keys, Hosts.DEALER)));
    assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, 0, 2, "l4", keys.options(BASE, 0)));
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    String m = d.getCause().getMessage();
    assertTrue(m.contains("a TLS record where an onnx2mpc frame should start")
        && m.contains("is every process started with the same --transport?"), m);
  }

  @Test
  void localNeedsKeyMaterial() {
    assertThrows(IllegalArgumentException.class, () -> BASE.withLocal(null));
    assertThrows(IllegalArgumentException.class, () -> BASE.withLocal(Tls.PLAINTEXT));
    assertFalse(BASE.withLocal(new TestKeys(2).tls(0)).encrypted());
    assertTrue(new TestKeys(2).options(BASE, 0).encrypted());
  }
}
