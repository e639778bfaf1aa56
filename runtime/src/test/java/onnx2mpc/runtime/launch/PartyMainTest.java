package onnx2mpc.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import onnx2mpc.runtime.io.NpyArray.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both parties and the dealer through their main entry points, on threads of this JVM. */
class PartyMainTest {
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one run. */
  record Result(int code, String out, String err) {}

  static Result party(TestJar jar, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = PartyMain.run(args, new PrintStream(out, true), new PrintStream(err, true), jar);
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  static Result dealer(TestJar jar, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DealerMain.run(args, new PrintStream(out, true), new PrintStream(err, true), jar);
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  static final double[] A = {1.5, -2, 0.25, 100, -0.125, 3};
  static final double[] B = {0.5, 0.5, -1, 1e-3, 7, -3};

  Path npy(String name, int[] shape, double[] values) throws Exception {
    return Files.write(dir.resolve(name),
        Npy.toBytes(NpyArray.ofDoubles(DType.FLOAT32, shape, values)));
  }

  @Test
  void twoPartiesAndTheDealerComputeTheProgram() throws Exception {
    ProgramInfo info = ToyProgram.info(ToyProgram.Party.class.getName()).build();
    Path hosts = TestJar.hosts(dir);
    Path a = npy("a.npy", ToyProgram.DIMS, A);
    Path b = npy("b.npy", ToyProgram.DIMS, B);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Result>> runs = new ArrayList<>();
      runs.add(pool.submit(() -> party(TestJar.of(info, 1), "--hosts", hosts.toString(),
          "--input", "b=" + b, "--output", dir.resolve("sum.npy").toString(),
          "--stats=" + dir.resolve("p1.json"), "--timeout", "10")));
      runs.add(pool.submit(() -> party(TestJar.of(info, 0), "--hosts", hosts.toString(),
          "--input", "a=" + a, "--stats", dir.resolve("p0.json").toString())));
      runs.add(pool.submit(() -> dealer(TestJar.dealer(info, ToyProgram.Dealer.class),
          "--hosts", hosts.toString(), "--stats", dir.resolve("d.json").toString())));
      Result p1 = runs.get(0).get(20, TimeUnit.SECONDS);
      Result p0 = runs.get(1).get(20, TimeUnit.SECONDS);
      Result d = runs.get(2).get(20, TimeUnit.SECONDS);
      assertEquals(0, p1.code(), p1.err());
      assertEquals(0, p0.code(), p0.err());
      assertEquals(0, d.code(), d.err());
      assertTrue(p1.err().matches("party 1: done in \\d+\\.\\d\\d s \\(connect .*\\); 1 rounds;"
          + " sent .* MiB, received .* MiB(; peak RSS \\d+ MiB)?; output 'sum' -> .*sum\\.npy,"
          + " 'count' -> .*sum_1\\.npy\\R"), p1.err());
      assertTrue(d.err().startsWith("dealer: done in "), d.err());
      assertEquals("count []: 42\n", p0.out());

      NpyArray sum = Npy.read(dir.resolve("sum.npy"));
      assertEquals(DType.FLOAT64, sum.dtype());
      assertArrayEquals(ToyProgram.DIMS, sum.shape());
      for (int i = 0; i < ToyProgram.N; i++) {
        assertEquals((float) A[i] + (float) B[i] + 0.5, sum.doubles()[i], 0x1p-15, "element " + i);
      }
      NpyArray count = Npy.read(dir.resolve("sum_1.npy"));
      assertEquals(DType.INT64, count.dtype());
      assertArrayEquals(new long[] {42}, count.longs());

      String stats = Files.readString(dir.resolve("p1.json"));
      for (String key : new String[] {"\"party\": 1", "\"rounds\": 1", "\"bytes_sent\": ",
          "\"bytes_received\": ", "\"offline_s\": ", "\"online_s\": ", "\"wall_s\": ",
          "\"peak_rss_mib\": ", "{\"name\": \"/add/Add\", \"op\": \"Add\", \"time_s\": "}) {
        assertTrue(stats.contains(key), key + " in " + stats);
      }
      // Party 1 sends only its share of the opened count: the sum is revealed to it alone.
      assertTrue(stats.contains("\"op\": \"Add\", \"time_s\": "), stats);
      assertTrue(stats.contains("\"bytes_sent\": 8, \"rounds\": 1}"), stats);
      String ds = Files.readString(dir.resolve("d.json"));
      assertTrue(ds.matches("(?s)\\{\\s*\"bytes_sent\": \\d+,\\s*\"wall_s\": .*,"
          + "\\s*\"peak_rss_mib\": .*}\\s*"), ds);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * --repeat 2 runs a warm-up and two measured repetitions in one connection: the result is
   * still right (so every repetition's dealer streams matched the parties'), and the stats
   * list each repetition with the medians of the measured ones.
   */
  @Test
  void repeatedRunsReportEveryRepetitionAndTheMedian() throws Exception {
    ProgramInfo info = ToyProgram.info(ToyProgram.Party.class.getName()).build();
    Path hosts = TestJar.hosts(dir);
    Path a = npy("a.npy", ToyProgram.DIMS, A);
    Path b = npy("b.npy", ToyProgram.DIMS, B);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Result> f1 = pool.submit(() -> party(TestJar.of(info, 1), "--hosts",
          hosts.toString(), "--input", "b=" + b, "--output", dir.resolve("sum.npy").toString(),
          "--stats", dir.resolve("p1.json").toString(), "--repeat", "2"));
      Future<Result> f0 = pool.submit(() -> party(TestJar.of(info, 0), "--hosts",
          hosts.toString(), "--input", "a=" + a, "--repeat=2"));
      Future<Result> fd = pool.submit(() -> dealer(TestJar.dealer(info, ToyProgram.Dealer.class),
          "--hosts", hosts.toString(), "--stats", dir.resolve("d.json").toString(),
          "--repeat", "2", "--warmup", "1"));
      Result p1 = f1.get(20, TimeUnit.SECONDS);
      assertEquals(0, p1.code(), p1.err());
      assertEquals(0, f0.get(20, TimeUnit.SECONDS).code());
      Result d = fd.get(20, TimeUnit.SECONDS);
      assertEquals(0, d.code(), d.err());
      assertTrue(p1.err().contains("3 repetitions, median offline "), p1.err());
      assertTrue(d.err().contains("(3 repetitions)"), d.err());
      double[] sum = Npy.read(dir.resolve("sum.npy")).doubles();
      for (int i = 0; i < ToyProgram.N; i++) {
        assertEquals((float) A[i] + (float) B[i] + 0.5, sum[i], 0x1p-15, "element " + i);
      }
      String stats = Files.readString(dir.resolve("p1.json"));
      for (String key : new String[] {"\"repeat\": 2,", "\"warmup\": 1,",
          "{\"epoch\": 0, \"warmup\": true, \"offline_s\": ",
          "{\"epoch\": 2, \"warmup\": false, \"offline_s\": ", "\"online_rounds\": 1,",
          "\"median\": {\"offline_s\": ", "\"online_bytes_sent\": "}) {
        assertTrue(stats.contains(key), key + " in " + stats);
      }
      String ds = Files.readString(dir.resolve("d.json"));
      assertTrue(ds.contains("{\"epoch\": 1, \"warmup\": false, \"wall_s\": "), ds);
      assertTrue(ds.matches("(?s).*\"median\": \\{\"wall_s\": [0-9.]+,"
          + " \"bytes_sent\": \\d+, \"gc_s\": [0-9.]+, \"jit_s\": ([0-9.]+|null)}\\s*}\\s*"),
          ds);
      // Each repetition says what the JVM spent on itself meanwhile, parties and dealer alike.
      assertTrue(stats.matches("(?s).*\"epoch\": 2, [^}]*\"gc_s\": [0-9.]+, \"jit_s\": .*"),
          stats);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badRepeatCountsAreOneLine() throws Exception {
    TestJar jar = TestJar.of(ToyProgram.info(ToyProgram.Party.class.getName()).build(), 0);
    String hosts = TestJar.hosts(dir).toString();
    assertEquals(new Result(1, "", "party 0: --repeat: expected an integer >= 1, but found '0'\n"),
        party(jar, "--hosts", hosts, "--repeat", "0"));
    assertEquals(new Result(1, "", "party 0: --warmup: expected an integer >= 0, but found 'x'\n"),
        party(jar, "--hosts", hosts, "--warmup", "x"));
  }

  @Test
  void inputProblemsAreReportedTogetherBeforeConnecting() throws Exception {
    TestJar jar = TestJar.of(ToyProgram.info(ToyProgram.Party.class.getName()).build(), 1);
    String hosts = TestJar.hosts(dir).toString();
    Result r = party(jar, "--hosts", hosts, "--input", "a=x.npy", "--input", "c=y.npy");
    assertEquals(1, r.code());
    assertEquals("party 1: input 'a' belongs to party 0, not to party 1; unexpected input 'c';"
        + " the program's inputs are a (party 0), b (party 1); missing input 'b': expected"
        + " --input b=FILE.npy with shape [2, 3]\n", r.err().replace("\r", ""));

    Path wrong = npy("b.npy", new int[] {3, 2}, B);
    r = party(jar, "--hosts", hosts, "--input", "b=" + wrong);
    assertEquals("party 1: input 'b' from " + wrong + " has shape [3, 2], expected [2, 3]\n",
        r.err());

    Path nan = npy("nan.npy", ToyProgram.DIMS, new double[] {0, 0, Double.NaN, 0, 0, 0});
    r = party(jar, "--hosts", hosts, "--input", "b=" + nan);
    assertEquals("party 1: input 'b': " + nan + ": element [0, 2] is NaN; only finite values"
        + " can be encoded\n", r.err());

    r = party(jar, "--hosts", hosts, "--input", "b=" + dir.resolve("none.npy"));
    assertEquals("party 1: input 'b': no such file: " + dir.resolve("none.npy") + "\n", r.err());
  }

  @Test
  void usageErrorsAreOneLine() throws Exception {
    TestJar jar = TestJar.of(ToyProgram.info(ToyProgram.Party.class.getName()).build(), 0);
    assertEquals(new Result(1, "", "party 0: unknown option '--frobnicate' (see --help)\n"),
        party(jar, "--frobnicate"));
    assertEquals(new Result(1, "", "party 0: missing --hosts FILE (see --help)\n"),
        party(jar));
    assertEquals(new Result(1, "", "party 0: --timeout: expected a positive number of seconds,"
        + " but found 'soon'\n"), party(jar, "--hosts", "h", "--timeout", "soon"));
    assertEquals(new Result(1, "", "party 0: no such file: nowhere.txt\n"),
        party(jar, "--hosts", "nowhere.txt"));
    assertEquals(new Result(0, PartyMain.USAGE + "\n", ""), party(jar, "--help"));
    String hosts = TestJar.hosts(dir).toString();
    String text = new String(jar.files.get(ProgramInfo.RESOURCE), StandardCharsets.UTF_8);
    ProgramInfo onlyParty1 = ProgramInfo.parse(
        text.replace("output 1 count 0 3 -", "output 1 count 0 2 -"), "program.txt");
    assertEquals(new Result(1, "", "party 0: this party receives no outputs; drop --output\n"),
        party(TestJar.of(onlyParty1), "--hosts", hosts, "--output", "o.npy"));
    assertEquals(new Result(1, "", "dealer: this is party 0's jar, not the dealer's; start it"
        + " with PartyMain\n"), dealer(jar, "--hosts", hosts));
    assertEquals(new Result(1, "", "party: this jar has no onnx2mpc/program.txt; was it built"
        + " by onnx2mpc?\n"), party(new TestJar(), "--hosts", hosts));
    TestJar noClass = TestJar.of(ToyProgram.info("no.such.Program").build(), 0);
    Result r = party(noClass, "--hosts", hosts, "--input", "a=" + npy("a.npy",
        ToyProgram.DIMS, A));
    assertTrue(r.err().startsWith("party 0: program class no.such.Program is not in this jar"),
        r.err());
  }

  /** A jar without key material never falls back to plaintext. */
  @Test
  void aJarWithoutTlsKeysDoesNotRun() throws Exception {
    TestJar jar = TestJar.of(ToyProgram.info(ToyProgram.Party.class.getName()).build(), 0);
    jar.files.remove(onnx2mpc.runtime.net.Tls.KEY_RESOURCE);
    String hosts = TestJar.hosts(dir).toString();
    assertEquals(new Result(1, "", "party 0: this jar has no TLS key (onnx2mpc/tls/key.pem); it"
        + " was not written by this version of onnx2mpc compile: recompile the model\n"),
        party(jar, "--hosts", hosts));
    TestJar dealerJar = TestJar.dealer(ToyProgram.info(ToyProgram.Party.class.getName()).build(),
        ToyProgram.Dealer.class);
    dealerJar.files.remove(onnx2mpc.runtime.net.Tls.certResource(1));
    assertEquals(new Result(1, "", "dealer: this jar has no TLS certificate for party 1"
        + " (onnx2mpc/tls/party-1.crt): recompile the model\n"),
        dealer(dealerJar, "--hosts", hosts));
  }
}
