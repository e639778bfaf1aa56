package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ProtocolException;
import org.junit.jupiter.api.Test;

/**
 * The local transport: plain TCP over loopback, each pair proving its compile-time keys in the
 * handshake (LocalAuth). Two parties and a dealer over 127.0.0.1.
 */
class LocalTransportTest extends HandshakeTestBase {
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

  /**
   * Starts the dealer (local transport, {@code keys}) and connects {@code party} with
   * {@code partyOpts}, which must fail; returns the dealer's error, which must fail too.
   */
  private String dealerRefuses(TestKeys keys, int parties, int party, NetOptions partyOpts)
      throws Exception {
    Hosts hosts = Loopback.hosts(parties);
    Future<?> dealer = pool.submit(() -> NetDealerSession.accept(hosts, parties, "l1",
        local(keys, Hosts.DEALER)));
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> NetSession.connect(hosts, party, parties, "l1", partyOpts));
    assertTrue(e.getMessage().startsWith("party " + party + ": "), e.getMessage());
    ExecutionException d = assertThrows(ExecutionException.class,
        () -> dealer.get(20, TimeUnit.SECONDS));
    return d.getCause().getMessage();
  }

  @Test
  void aPeerWithAnotherCompilesKeysIsRefused() throws Exception {
    // Party 1 dials the dealer first; the dealer refuses its proof, so it never gets a seed.
    String m = dealerRefuses(new TestKeys(2), 2, 1, local(new TestKeys(2), 1));
    assertTrue(m.startsWith("dealer: peer at 127.0.0.1:"), m);
    assertTrue(m.contains("claims to be party 1 but does not prove it holds that process's"
        + " key"), m);
  }

  @Test
  void aPartyClaimingAnotherIdIsRefused() throws Exception {
    TestKeys keys = new TestKeys(3);
    // Party 2's own valid key, but it says it is party 1.
    Tls impostor = Tls.of(1, keys.keys.get(2), keys.certs.get(2), keys.certs);
    String m = dealerRefuses(keys, 3, 1, BASE.withLocal(impostor));
    assertTrue(m.contains("claims to be party 1 but does not prove"), m);
  }

  /**
   * Every process must be on this machine, this one included (it would listen on all
   * interfaces, unencrypted): refused before any connection.
   */
  @Test
  void aProcessOffThisMachineIsRefusedBeforeConnecting() {
    TestKeys keys = new TestKeys(2);
    for (String[] c : new String[][] {{"dealer", "the dealer"}, {"0", "party 0"}}) {
      String text = Loopback.hostsText(2)
          .replaceFirst("(?m)^" + c[0] + " 127\\.0\\.0\\.1:", c[0] + " 10.1.2.3:");
      Hosts hosts = Hosts.parse(text, "hosts.txt");
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> NetSession.connect(hosts, 0, 2, "l3", local(keys, 0)));
      int port = hosts.address(c[0].equals("dealer") ? Hosts.DEALER : 0).getPort();
      assertEquals("party 0: --transport local needs every process on this machine, but "
          + c[1] + " is at 10.1.2.3:" + port + " in hosts.txt, not a loopback address; across"
          + " machines use TLS (the default)", e.getMessage());
    }
  }

  @Test
  void aTlsPeerIsToldToUseTheSameTransport() throws Exception {
    TestKeys keys = new TestKeys(2);
    String m = dealerRefuses(keys, 2, 0, keys.options(BASE, 0));
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
