package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints the exchange throughput of two parties over loopback, with and without TLS, to see
 * what the transport costs, and checks on the way that large messages (many chunks, both
 * directions at once) arrive intact. Opt-in, since it takes a while; run with
 * {@code mvn -pl runtime test -Dtest=ThroughputProbe -Donnx2mpc.probe=true} (add
 * {@code -Donnx2mpc.probe.oneway=true} for one direction only, {@code -Donnx2mpc.probe.chunk=N}
 * for another chunk size, {@code -Donnx2mpc.probe.only=tls} or {@code plain} for one
 * transport, {@code -Donnx2mpc.probe.rounds=N} for N rounds of the large sizes).
 */
@EnabledIfSystemProperty(named = "onnx2mpc.probe", matches = "true")
class ThroughputProbe {
  @Test
  void exchangeThroughput() throws Exception {
    String only = System.getProperty("onnx2mpc.probe.only", "");
    for (boolean tls : new boolean[] {false, true, false, true}) {
      if (!only.isEmpty() && only.equals("tls") != tls) {
        continue;
      }
      for (int words : new int[] {1, 1 << 17, 2 << 20}) {
        probe(tls, words, words == 1 ? 200 : Integer.getInteger("onnx2mpc.probe.rounds", 10));
      }
    }
  }

  private static void probe(boolean tls, int words, int rounds) throws Exception {
    Hosts hosts = Loopback.hosts(2);
    TestKeys keys = new TestKeys(2);
    boolean oneWay = Boolean.getBoolean("onnx2mpc.probe.oneway");
    NetOptions base = NetOptions.defaults()
        .withChunkBytes(Integer.getInteger("onnx2mpc.probe.chunk", 4 << 20));
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<Double>> parties = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int me = p;
        NetOptions o = tls ? keys.options(base, me) : base.withPlaintext();
        parties.add(pool.submit(() -> {
          try (NetSession s = NetSession.connect(hosts, me, 2, "probe", o)) {
            long[] mine = new SplittableRandom(me).longs(words).toArray();
            long[] theirs = new SplittableRandom(1 - me).longs(words).toArray();
            long[] sent = oneWay && me == 1 ? new long[0] : mine;
            long[] expected = oneWay && me == 0 ? new long[0] : theirs;
            long[][] out = new long[2][];
            out[1 - me] = sent;
            assertArrayEquals(expected, s.exchange(0, out)[1 - me], "round 0");
            long t0 = System.nanoTime();
            for (int r = 1; r <= rounds; r++) {
              assertEquals(expected.length, s.exchange(r, out)[1 - me].length, "round " + r);
            }
            return (System.nanoTime() - t0) / 1e9;
          }
        }));
      }
      Future<?> dealer = pool.submit(() -> {
        NetOptions o = tls ? keys.options(base, Hosts.DEALER) : base.withPlaintext();
        try (NetDealerSession d = NetDealerSession.accept(hosts, 2, "probe", o)) {
          return null;
        }
      });
      double secs = Math.max(parties.get(0).get(60, TimeUnit.SECONDS),
          parties.get(1).get(60, TimeUnit.SECONDS));
      dealer.get(60, TimeUnit.SECONDS);
      double mib = 8.0 * words * rounds / (1 << 20);
      System.out.printf("%s %8d words x %3d rounds: %.4f s, %.3f ms/round, %.0f MiB/s %s%n",
          tls ? "tls  " : "plain", words, rounds, secs, 1e3 * secs / rounds, mib / secs,
          oneWay ? "one way" : "each way");
    } finally {
      pool.shutdownNow();
    }
  }
}
