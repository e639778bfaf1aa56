package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.prg.AesCtrPrg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three parties and a dealer in one JVM, each on its own thread, over 127.0.0.1. */
class NetSessionTest {
  private static final byte[] DATA_SEED = AesCtrPrg.newSeed();
  private static final int[] LENGTHS = {0, 1, 7, 1000, 30_000};
  private static final NetOptions OPTS = NetOptions.defaults().withPlaintext()
      .withConnectTimeout(Duration.ofSeconds(10)).withRoundTimeout(Duration.ofSeconds(10))
      .withChunkBytes(4096); // small chunks, so that messages are split and reassembled
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** What party {@code from} sends party {@code to} in a round: reproducible at the receiver. */
  private static long[] payload(int round, int from, int to) {
    int len = LENGTHS[(round + from + 2 * to) % LENGTHS.length];
    return new AesCtrPrg(DATA_SEED, round, from * 16 + to).next(len);
  }

  private static long[] correction(int corr) {
    return new AesCtrPrg(DATA_SEED, -1 - corr, 0).next(corr * 3000);
  }

  private <T> Future<T> run(Callable<T> c) {
    return pool.submit(c);
  }

  @Test
  void everyPartyGetsExactlyWhatTheOthersSent() throws Exception {
    Hosts hosts = Loopback.hosts(3);
    int rounds = 4;
    int corrs = 5;
    List<Future<long[]>> parties = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int me = p;
      parties.add(run(() -> {
        try (NetSession s = NetSession.connect(hosts, me, 3, "d1", OPTS)) {
          for (int r = 0; r < rounds; r++) {
            long[][] out = new long[3][];
            for (int q = 0; q < 3; q++) {
              out[q] = q == me ? null : payload(r, me, q);
            }
            long[][] in = s.exchange(r, out);
            for (int q = 0; q < 3; q++) {
              if (q == me) {
                assertEquals(null, in[q]);
              } else {
                assertArrayEquals(payload(r, q, me), in[q], "round " + r + " from " + q);
              }
            }
          }
          if (me == 0) {
            for (int c = 0; c < corrs; c++) {
              assertArrayEquals(correction(c), s.fromDealer(c, c * 3000));
            }
          }
          assertTrue(s.bytesSent() > 8L * 30_000, "sent " + s.bytesSent());
          assertTrue(s.bytesReceived() > 8L * 30_000, "received " + s.bytesReceived());
          // Streams for checking against the other ends.
          long[] prgs = new long[8];
          for (int q = 0, i = 0; q < 3; q++) {
            if (q != me) {
              System.arraycopy(s.pairPrg(q, 99).next(2), 0, prgs, i, 2);
              i += 2;
            }
          }
          System.arraycopy(s.dealerPrg(4, 1).next(4), 0, prgs, 4, 4);
          return prgs;
        }
      }));
    }
    Thread.sleep(200); // the dealer starts last: parties must wait for it
    Future<long[][]> dealer = run(() -> {
      try (NetDealerSession d = NetDealerSession.accept(hosts, 3, "d1", OPTS)) {
        for (int c = 0; c < corrs; c++) {
          long[] w = correction(c);
          d.sendToParty0(c, w);
          java.util.Arrays.fill(w, 0); // the dealer may reuse its buffer at once
        }
        long[][] streams = new long[3][];
        for (int p = 0; p < 3; p++) {
          streams[p] = d.partyPrg(p, 4, 1).next(4);
        }
        assertTrue(d.bytesSent() > 8L * 3000 * 10);
        return streams;
      }
    });
    long[][] prgs = new long[3][];
    for (int p = 0; p < 3; p++) {
      prgs[p] = parties.get(p).get(20, TimeUnit.SECONDS);
    }
    long[][] dealerStreams = dealer.get(20, TimeUnit.SECONDS);
    // pair streams: party i's stream with j (slot of j) equals party j's with i.
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        int slotOfJ = j < i ? 2 * j : 2 * (j - 1);
        int slotOfI = 2 * i;
        assertEquals(prgs[i][slotOfJ], prgs[j][slotOfI], "pair " + i + "," + j);
        assertEquals(prgs[i][slotOfJ + 1], prgs[j][slotOfI + 1]);
      }
      assertArrayEquals(dealerStreams[i], java.util.Arrays.copyOfRange(prgs[i], 4, 8));
    }
    assertTrue(prgs[0][0] != prgs[1][2], "distinct pairs have distinct seeds");
  }

  @Test
  void losingAPartyFailsTheOthersQuicklyNamingIt() throws Exception {
    Hosts hosts = Loopback.hosts(3);
    NetOptions opts = OPTS.withRoundTimeout(Duration.ofSeconds(20));
    CountDownLatch connected = new CountDownLatch(3);
    List<Future<String>> survivors = new ArrayList<>();
    Future<?> dealer = run(() -> {
      NetDealerSession.accept(hosts, 3, "d2", opts).close();
      return null;
    });
    Future<?> victim = run(() -> {
      NetSession s = NetSession.connect(hosts, 2, 3, "d2", opts);
      connected.countDown();
      s.exchange(0, new long[3][]);
      s.kill(); // as if the process were killed between rounds
      return null;
    });
    for (int p = 0; p < 2; p++) {
      int me = p;
      survivors.add(run(() -> {
        try (NetSession s = NetSession.connect(hosts, me, 3, "d2", opts)) {
          connected.countDown();
          long t0 = System.nanoTime();
          ProtocolException e = assertThrows(ProtocolException.class, () -> {
            for (int r = 0; r < 100; r++) {
              s.exchange(r, new long[3][]);
            }
          });
          double secs = (System.nanoTime() - t0) / 1e9;
          assertTrue(secs < 5, "took " + secs + " s to notice");
          return e.getMessage();
        }
      }));
    }
    victim.get(20, TimeUnit.SECONDS);
    dealer.get(20, TimeUnit.SECONDS);
    for (int p = 0; p < 2; p++) {
      String m = survivors.get(p).get(20, TimeUnit.SECONDS);
      // Round 1 as a rule; round 0 if the other survivor's abort overtook the last message.
      assertTrue(m.startsWith("party " + p + ", round "), m);
      assertTrue(m.contains("lost connection to party 2 (127.0.0.1:"), m);
    }
  }

  @Test
  void aTimeoutNamesPartyRoundAndPeer() throws Exception {
    Hosts hosts = Loopback.hosts(2);
    NetOptions opts = OPTS.withRoundTimeout(Duration.ofMillis(300));
    CountDownLatch done = new CountDownLatch(1);
    Future<?> dealer = run(() -> {
      NetDealerSession.accept(hosts, 2, "d3", opts).close();
      return null;
    });
    Future<?> slow = run(() -> {
      NetSession s = NetSession.connect(hosts, 1, 2, "d3", opts);
      try {
        done.await(10, TimeUnit.SECONDS); // never takes part in round 0
        return null;
      } finally {
        s.close();
      }
    });
    Future<String> waiting = run(() -> {
      try (NetSession s = NetSession.connect(hosts, 0, 2, "d3", opts)) {
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> s.exchange(0, new long[2][]));
        done.countDown();
        return e.getMessage();
      }
    });
    String m = waiting.get(20, TimeUnit.SECONDS);
    assertTrue(m.matches("party 0, round 0: timed out after 0\\.3 s waiting for party 1"
        + " \\(127\\.0\\.0\\.1:\\d+\\)"), m);
    slow.get(20, TimeUnit.SECONDS);
    dealer.get(20, TimeUnit.SECONDS);
  }

  @Test
  void programMismatchRefusesToConnect() throws Exception {
    Hosts hosts = Loopback.hosts(2);
    NetOptions opts = OPTS.withConnectTimeout(Duration.ofSeconds(3));
    Future<?> dealer = run(() -> NetDealerSession.accept(hosts, 2, "aaaa", opts));
    Future<?> party1 = run(() -> NetSession.connect(hosts, 1, 2, "bbbb", opts));
    String m1 = causeMessage(party1);
    String port = Integer.toString(hosts.address(Hosts.DEALER).getPort());
    assertEquals("party 1: peer at 127.0.0.1:" + port + " is the dealer of program aaaa,"
        + " expected the dealer of program bbbb", m1);
    String md = causeMessage(dealer);
    assertTrue(md.matches("dealer: peer at 127\\.0\\.0\\.1:\\d+ is party 1 of program bbbb,"
        + " expected one of parties 0\\.\\.1 of program aaaa"), md);
  }

  @Test
  void unreachablePeerFailsAfterTheConnectDeadline() {
    Hosts hosts = Loopback.hosts(2);
    long t0 = System.nanoTime();
    ProtocolException e = assertThrows(ProtocolException.class, () -> NetSession.connect(hosts,
        1, 2, "d", OPTS.withConnectTimeout(Duration.ofMillis(500))));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(secs >= 0.5 && secs < 5, "took " + secs);
    assertTrue(e.getMessage().startsWith("party 1: could not connect to the dealer at 127.0.0.1:"
        + hosts.address(Hosts.DEALER).getPort() + " within 0.5 s ("), e.getMessage());
  }

  /**
   * Repetitions over sockets: each epoch's pair and dealer streams agree at both ends and
   * differ from the previous epoch's, and the dealer only starts an epoch once every party has.
   */
  @Test
  void everyEpochHasFreshStreamsAndTheDealerWaitsForIt() throws Exception {
    Hosts hosts = Loopback.hosts(2);
    int epochs = 3;
    List<Future<long[][]>> parties = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int me = p;
      parties.add(run(() -> {
        try (NetSession s = NetSession.connect(hosts, me, 2, "d5", OPTS)) {
          long[][] streams = new long[epochs][];
          for (int e = 0; e < epochs; e++) {
            s.beginEpoch(e, epochs);
            long[] pair = s.pairPrg(1 - me, 7).next(4);
            long[] dealer = s.dealerPrg(3, 2).next(4);
            streams[e] = new long[] {pair[0], pair[3], dealer[0], dealer[3]};
            if (me == 0) {
              assertArrayEquals(new long[] {e}, s.fromDealer(e, 1));
            }
            s.exchange(0, new long[2][]);
          }
          return streams;
        }
      }));
    }
    Future<long[][][]> dealer = run(() -> {
      try (NetDealerSession d = NetDealerSession.accept(hosts, 2, "d5", OPTS)) {
        long[][][] streams = new long[epochs][2][];
        for (int e = 0; e < epochs; e++) {
          d.beginEpoch(e, epochs);
          d.sendToParty0(e, new long[] {e});
          for (int p = 0; p < 2; p++) {
            streams[e][p] = d.partyPrg(p, 3, 2).next(4);
          }
        }
        return streams;
      }
    });
    long[][] p0 = parties.get(0).get(20, TimeUnit.SECONDS);
    long[][] p1 = parties.get(1).get(20, TimeUnit.SECONDS);
    long[][][] d = dealer.get(20, TimeUnit.SECONDS);
    for (int e = 0; e < epochs; e++) {
      assertEquals(p0[e][0], p1[e][0], "pair stream, epoch " + e);
      assertEquals(d[e][0][0], p0[e][2], "dealer stream of party 0, epoch " + e);
      assertEquals(d[e][1][3], p1[e][3], "dealer stream of party 1, epoch " + e);
      for (int f = 0; f < e; f++) {
        assertTrue(p0[e][0] != p0[f][0] && p0[e][1] != p0[f][1], "pair stream reused");
        assertTrue(p0[e][2] != p0[f][2] && p1[e][2] != p1[f][2], "dealer stream reused");
      }
    }
  }

  private static final String FIX =
      "; give every party and the dealer the same --repeat and --warmup";

  @Test
  void differentRepetitionCountsAreReportedAtTheFirstEpoch() throws Exception {
    Hosts hosts = Loopback.hosts(2);
    Future<?> dealer = run(() -> {
      try (NetDealerSession d = NetDealerSession.accept(hosts, 2, "d6", OPTS)) {
        d.beginEpoch(0, 2);
      }
      return null;
    });
    Future<?> p0 = run(() -> {
      try (NetSession s = NetSession.connect(hosts, 0, 2, "d6", OPTS)) {
        s.beginEpoch(0, 2);
      }
      return null;
    });
    Future<?> p1 = run(() -> {
      try (NetSession s = NetSession.connect(hosts, 1, 2, "d6", OPTS)) {
        s.beginEpoch(0, 3);
      }
      return null;
    });
    // Party 1 sees the mismatch itself or, when an abort is already queued (aborts are read
    // before data), party 0's or the dealer's report of it: each names both counts.
    String m1 = causeMessage(p1);
    assertTrue(m1.matches("party 1, repetition 0: party 0 \\(127\\.0\\.0\\.1:\\d+\\) starts"
        + " repetition 0 of 2, while this process starts repetition 0 of 3" + FIX)
        || m1.matches("party 1, repetition 0: (party 0|the dealer) \\(127\\.0\\.0\\.1:\\d+\\)"
        + " aborted: (party 0|dealer), repetition 0: party 1 \\(127\\.0\\.0\\.1:\\d+\\)"
        + " starts repetition 0 of 3, while this process starts repetition 0 of 2" + FIX), m1);
    String md = causeMessage(dealer);
    assertTrue(md.startsWith("dealer, repetition 0: "), md);
    // Party 0 either sees the same mismatch or party 1's abort, which names it.
    String m0 = causeMessage(p0);
    assertTrue(m0.startsWith("party 0, repetition 0: "), m0);
  }

  private static String causeMessage(Future<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(20, TimeUnit.SECONDS));
    return e.getCause().getMessage();
  }
}
