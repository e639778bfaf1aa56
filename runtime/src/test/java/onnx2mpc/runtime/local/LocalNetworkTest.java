package onnx2mpc.runtime.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import onnx2mpc.runtime.Session;
import org.junit.jupiter.api.Test;

/** Seeds agree at both ends of each pair and with the dealer; exchange delivers per round. */
class LocalNetworkTest {
  @Test
  void pairAndDealerStreamsAgree() {
    LocalNetwork net = LocalNetwork.create(3);
    Session a = net.party(0);
    Session b = net.party(2);
    assertArrayEquals(a.pairPrg(2, 5).next(10), b.pairPrg(0, 5).next(10));
    assertFalse(Arrays.equals(a.pairPrg(2, 5).next(10), a.pairPrg(1, 5).next(10)));
    assertFalse(Arrays.equals(a.pairPrg(2, 5).next(10), a.pairPrg(2, 6).next(10)));
    assertArrayEquals(b.dealerPrg(9, 1).next(4), net.dealer().partyPrg(2, 9, 1).next(4));
    assertFalse(Arrays.equals(b.dealerPrg(9, 1).next(4), b.dealerPrg(9, 2).next(4)));
  }

  @Test
  void exchangeDeliversEveryPeersMessage() throws Exception {
    LocalNetwork net = LocalNetwork.create(3);
    @SuppressWarnings("unchecked")
    CompletableFuture<long[][]>[] f = new CompletableFuture[3];
    for (int p = 0; p < 3; p++) {
      int party = p;
      f[p] = CompletableFuture.supplyAsync(() -> {
        long[][] out = new long[3][];
        for (int q = 0; q < 3; q++) {
          out[q] = q == party ? null : new long[] {10L * party + q};
        }
        return net.party(party).exchange(0, out);
      });
    }
    for (int p = 0; p < 3; p++) {
      long[][] in = f[p].get();
      assertNull(in[p]);
      for (int q = 0; q < 3; q++) {
        if (q != p) {
          assertArrayEquals(new long[] {10L * q + p}, in[q]);
        }
      }
      assertEquals(16, net.party(p).bytesSent());
    }
    net.dealer().sendToParty0(3, new long[] {1, 2});
    assertArrayEquals(new long[] {1, 2}, net.party(0).fromDealer(3, 2));
  }

  /**
   * Security of repeated runs: every epoch expands other streams from the same seeds, while
   * both ends of each seed still agree within an epoch; epoch 0 is the single run's addressing.
   */
  @Test
  void everyEpochHasItsOwnStreams() {
    LocalNetwork net = LocalNetwork.create(2);
    Session a = net.party(0);
    Session b = net.party(1);
    long[] pair0 = a.pairPrg(1, 5).next(8);
    long[] dealer0 = b.dealerPrg(9, 1).next(8);
    a.beginEpoch(0, 3);
    b.beginEpoch(0, 3);
    net.dealer().beginEpoch(0, 3);
    assertArrayEquals(pair0, a.pairPrg(1, 5).next(8), "epoch 0 is the unrepeated addressing");
    a.beginEpoch(1, 3);
    b.beginEpoch(1, 3);
    net.dealer().beginEpoch(1, 3);
    long[] pair1 = a.pairPrg(1, 5).next(8);
    long[] dealer1 = b.dealerPrg(9, 1).next(8);
    assertArrayEquals(pair1, b.pairPrg(0, 5).next(8));
    assertArrayEquals(dealer1, net.dealer().partyPrg(1, 9, 1).next(8));
    assertFalse(Arrays.equals(pair0, pair1), "pair stream reused across epochs");
    assertFalse(Arrays.equals(dealer0, dealer1), "dealer stream reused across epochs");
    // Nonce n in epoch 1 must not be nonce n + 2^48 of epoch 0 or any other address.
    assertEquals(1L << 48 | 5, Session.epochAddress(1, 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Session.epochAddress(0, 1L << 48));
    assertEquals("nonce: expected 0 <= nonce < 2^48, but found 281474976710656",
        e.getMessage());
  }

  @Test
  void epochsGoInOrder() {
    Session a = LocalNetwork.create(2).party(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.beginEpoch(1, 2));
    assertEquals("epoch: expected 0 (epochs begin in order, each once), but found 1",
        e.getMessage());
    a.beginEpoch(0, 2);
    a.beginEpoch(1, 2);
    e = assertThrows(IllegalArgumentException.class, () -> a.beginEpoch(2, 2));
    assertEquals("epoch: expected one of 0..1, but found 2", e.getMessage());
  }
}
