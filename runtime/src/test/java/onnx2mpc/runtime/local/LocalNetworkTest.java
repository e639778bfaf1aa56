package onnx2mpc.runtime.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
