package onnx2mpc.runtime.net;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check: prints the exchange throughput of two parties over loopback, with and without
 * TLS, to see what the transport costs. Run with
 * {@code mvn -pl runtime test -Dtest=ThroughputProbe -Donnx2mpc.probe=true}.
 */
@EnabledIfSystemProperty(named = "onnx2mpc.probe", matches = "true")
class ThroughputProbe {
  @Test
  void exchangeThroughput() throws Exception {
    for (boolean tls : Boolean.getBoolean("onnx2mpc.probe.plain") ? new boolean[] {false, false} : new boolean[] {false, true, false, true}) {
      for (int words : new int[] {1, 1 << 17, 2 << 20}) {
        probe(tls, words, words == 1 ? 200 : 10);
      }
    }
  }

  private static void probe(boolean tls, int words, int rounds) throws Exception {
    Hosts hosts = Loopback.hosts(2);
    TestKeys keys = new TestKeys(2);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<Double>> parties = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int me = p;
        NetOptions base = NetOptions.defaults().withChunkBytes(Integer.getInteger("onnx2mpc.probe.chunk", 4 << 20));
        NetOptions o = tls ? keys.options(base, me) : base.withPlaintext();
        parties.add(pool.submit(() -> {
          try (NetSession s = NetSession.connect(hosts, me, 2, "probe", o)) {
            long[] msg = new long[words];
            s.exchange(0, new long[][] {me == 0 ? null : msg, me == 0 ? msg : null});
            long t0 = System.nanoTime();
            boolean oneWay = Boolean.getBoolean("onnx2mpc.probe.oneway");
            long[] back = oneWay ? new long[0] : msg;
            for (int r = 1; r <= rounds; r++) {
              s.exchange(r, new long[][] {me == 0 ? null : back, me == 0 ? msg : null});
            }
            return (System.nanoTime() - t0) / 1e9;
          }
        }));
      }
      Future<?> dealer = pool.submit(() -> {
        NetOptions base = NetOptions.defaults();
        NetOptions o = tls ? keys.options(base, Hosts.DEALER) : base.withPlaintext();
        try (NetDealerSession d = NetDealerSession.accept(hosts, 2, "probe", o)) {
          return null;
        }
      });
      double secs = Math.max(parties.get(0).get(60, TimeUnit.SECONDS),
          parties.get(1).get(60, TimeUnit.SECONDS));
      dealer.get(60, TimeUnit.SECONDS);
      double mib = 8.0 * words * rounds / (1 << 20);
      System.out.printf("%s %8d words x %3d rounds: %.4f s, %.3f ms/round, %.0f MiB/s each way%n",
          tls ? "tls  " : "plain", words, rounds, secs, 1e3 * secs / rounds, mib / secs);
    } finally {
      pool.shutdownNow();
    }
  }
}
