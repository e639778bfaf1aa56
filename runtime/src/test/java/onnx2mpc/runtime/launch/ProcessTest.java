package onnx2mpc.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parties and dealer as real processes (java -cp JAR:test-classes MAIN ...): exit codes, one
 * stderr line, and no process left hanging when a peer is killed.
 */
class ProcessTest {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process start(TestJar jar, String name, Class<?> main, String... args)
      throws IOException {
    Path jarFile = jar.writeJar(dir.resolve(name + ".jar"));
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", jarFile + File.pathSeparator + cp,
        main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".err").toFile())
        .start();
    started.add(p);
    return p;
  }

  private String err(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8);
  }

  private static int exit(Process p) throws InterruptedException {
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "process did not exit");
    return p.exitValue();
  }

  @Test
  void realProcessesComputeAndExitZero() throws Exception {
    ProgramInfo info = ToyProgram.info(ToyProgram.Party.class.getName()).build();
    String hosts = TestJar.hosts(dir).toString();
    Path a = Files.write(dir.resolve("a.npy"), Npy.toBytes(NpyArray.ofDoubles(ToyProgram.DIMS,
        PartyMainTest.A)));
    Path b = Files.write(dir.resolve("b.npy"), Npy.toBytes(NpyArray.ofDoubles(ToyProgram.DIMS,
        PartyMainTest.B)));
    Process p1 = start(TestJar.of(info, 1), "party1", PartyMain.class, "--hosts", hosts,
        "--input", "b=" + b, "--output", dir.resolve("sum.npy").toString());
    Process p0 = start(TestJar.of(info, 0), "party0", PartyMain.class, "--hosts", hosts,
        "--input", "a=" + a);
    Process d = start(TestJar.dealer(info, ToyProgram.Dealer.class), "dealer", DealerMain.class,
        "--hosts", hosts);
    assertEquals(0, exit(p1), err("party1"));
    assertEquals(0, exit(p0), err("party0"));
    assertEquals(0, exit(d), err("dealer"));
    assertTrue(err("party1").startsWith("party 1: done in "), err("party1"));
    double[] sum = Npy.read(dir.resolve("sum.npy")).doubles();
    double[] expected = new double[ToyProgram.N];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = PartyMainTest.A[i] + PartyMainTest.B[i] + 0.5;
    }
    assertArrayEquals(expected, sum, 0x1p-15);
  }

  @Test
  void killingAPartyMakesTheOthersExitOneNamingIt() throws Exception {
    ProgramInfo info = ToyProgram.info(ToyProgram.SlowParty.class.getName()).build();
    String hosts = TestJar.hosts(dir).toString();
    Process d = start(TestJar.dealer(info, ToyProgram.IdleDealer.class), "dealer",
        DealerMain.class, "--hosts", hosts);
    Process p0 = start(TestJar.of(info, 0), "party0", PartyMain.class, "--hosts", hosts,
        "--input", "a=" + Files.write(dir.resolve("a.npy"), Npy.toBytes(NpyArray.ofDoubles(
            ToyProgram.DIMS, PartyMainTest.A))), "--timeout", "60");
    Process p1 = start(TestJar.of(info, 1), "party1", PartyMain.class, "--hosts", hosts,
        "--input", "b=" + Files.write(dir.resolve("b.npy"), Npy.toBytes(NpyArray.ofDoubles(
            ToyProgram.DIMS, PartyMainTest.B))), "--timeout", "60");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p1.getInputStream(),
        StandardCharsets.UTF_8))) {
      assertEquals("round 0 done", r.readLine(), () -> "party 1 never ran: " + safeErr("party1"));
    }
    long t0 = System.nanoTime();
    p1.destroyForcibly(); // SIGKILL: no abort message, the kernel closes the sockets
    assertEquals(1, exit(p0));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(secs < 10, "party 0 took " + secs + " s to give up (timeout was 60 s)");
    String line = err("party0");
    assertTrue(line.matches("party 0, round \\d+: lost connection to party 1 \\(127\\.0\\.0\\.1:\\d+\\)"
        + "( \\([^\\n]*\\))?\\R"), line);
    assertEquals(0, exit(d), err("dealer")); // the idle dealer was done long before
  }

  @Test
  void aPartyAloneGivesUpAfterTheConnectTimeout() throws Exception {
    ProgramInfo info = ToyProgram.info(ToyProgram.Party.class.getName()).build();
    String hosts = TestJar.hosts(dir).toString();
    Process p1 = start(TestJar.of(info, 1), "party1", PartyMain.class, "--hosts", hosts,
        "--input", "b=" + Files.write(dir.resolve("b.npy"), Npy.toBytes(NpyArray.ofDoubles(
            ToyProgram.DIMS, PartyMainTest.B))), "--connect-timeout", "1");
    assertEquals(1, exit(p1));
    String line = err("party1");
    assertTrue(line.matches("party 1: could not connect to the dealer at 127\\.0\\.0\\.1:\\d+"
        + " within 1 s \\(.*\\)\\R"), line);
  }

  private String safeErr(String name) {
    try {
      return err(name);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
