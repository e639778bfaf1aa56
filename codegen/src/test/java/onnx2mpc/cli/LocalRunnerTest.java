package onnx2mpc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import onnx2mpc.codegen.JarWriter;
import onnx2mpc.codegen.Json;
import onnx2mpc.codegen.TestPrograms;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end with real processes and sockets: jars on localhost, as {@code onnx2mpc run}. */
class LocalRunnerTest {
  @TempDir
  Path dir;

  private Path input(double[] x) throws Exception {
    Path f = dir.resolve("x.npy");
    Npy.write(f, NpyArray.ofDoubles(new int[] {x.length}, x));
    return f;
  }

  @Test
  void jarsRunAsSeparateProcesses() throws Exception {
    for (int n : new int[] {2, 3}) {
      CompiledProgram p = TestPrograms.beaver(n);
      Path out = Files.createDirectories(dir.resolve("n" + n));
      JarWriter.Jars jars = JarWriter.write(p, out);
      StringWriter err = new StringWriter();
      LocalRunner.Result r = LocalRunner.run(p, jars, Map.of("x", input(TestPrograms.X)), out,
          List.of(), Duration.ofSeconds(120), new PrintWriter(err, true));
      double[] got = Npy.read(r.output()).doubles();
      double[] want = new double[4];
      for (int i = 0; i < 4; i++) {
        want[i] = TestPrograms.X[i] * TestPrograms.W[i];
      }
      // Exact: a Beaver product at scale 32 without truncation.
      assertArrayEquals(want, got, 0.0, err.toString());
      assertTrue(err.toString().contains("[party 1] "), err.toString());
      assertTrue(err.toString().contains("[dealer] "), err.toString());

      RunReport rep = r.report();
      assertEquals(2, rep.rounds());
      assertTrue(rep.onlineS() > 0);
      Map<String, Object> json = rep.toJson();
      assertEquals(n, json.get("parties"));
      @SuppressWarnings("unchecked")
      Map<String, Object> sent = (Map<String, Object>) json.get("bytes_sent");
      assertEquals(n + 1, sent.size());
      assertTrue(((Number) sent.get("0")).longValue() > 0, sent.toString());
      assertTrue(((Number) sent.get("dealer")).longValue() > 0, sent.toString());
      // The stats JSON reads back.
      Object back = Json.parse(Json.write(json));
      assertEquals(Json.write(json), Json.write(back));
    }
  }

  /** The local transport computes the same product; every party's stats name it. */
  @Test
  void theLocalTransportRunsTheSameProgram() throws Exception {
    CompiledProgram p = TestPrograms.beaver(2);
    JarWriter.Jars jars = JarWriter.write(p, dir);
    StringWriter err = new StringWriter();
    LocalRunner.Result r = LocalRunner.run(p, jars, Map.of("x", input(TestPrograms.X)), dir,
        List.of(), LocalRunner.transportArgs("local"), Duration.ofSeconds(120),
        new PrintWriter(err, true));
    double[] got = Npy.read(r.output()).doubles();
    for (int i = 0; i < 4; i++) {
      assertEquals(TestPrograms.X[i] * TestPrograms.W[i], got[i], 0.0, err.toString());
    }
    for (String party : List.of("0", "1")) {
      assertEquals("local", r.report().stats.get(party).get("transport"), party);
    }
    Main.UserError e = assertThrows(Main.UserError.class,
        () -> LocalRunner.transportArgs("udp"));
    assertEquals("--transport: expected tls or local, but found 'udp'", e.getMessage());
    assertEquals(List.of(), LocalRunner.transportArgs("tls"));
  }

  @Test
  void aFailingPartyStopsTheRunWithItsMessage() throws Exception {
    CompiledProgram p = TestPrograms.beaver(2);
    JarWriter.Jars jars = JarWriter.write(p, dir);
    // Party 1's input has the wrong shape: it must fail, and the run must not hang.
    Path bad = input(new double[] {1, 2, 3});
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    LocalCluster.Failure f = assertThrows(LocalCluster.Failure.class, () -> LocalRunner.run(p,
        jars, Map.of("x", bad), dir, List.of(), Duration.ofSeconds(120),
        new PrintWriter(err, true)));
    assertTrue(f.getMessage().startsWith("party 1 failed"), f.getMessage());
    assertTrue(System.nanoTime() - t0 < 60e9, "took too long");
  }

  @Test
  void inputsAreCheckedAgainstTheProgram() throws Exception {
    CompiledProgram p = TestPrograms.beaver(2);
    Path x = input(TestPrograms.X);
    Main.UserError e = assertThrows(Main.UserError.class,
        () -> LocalRunner.assignInputs(p, Map.of("x", x, "y", x)));
    assertEquals("--input: expected an input of the model (x), but found 'y'", e.getMessage());
    e = assertThrows(Main.UserError.class, () -> LocalRunner.assignInputs(p, Map.of()));
    assertEquals("--input: expected data for every input of the model (x), but found none for"
        + " 'x'", e.getMessage());
    assertEquals(Map.of(1, List.of("--input", "x=" + x.toAbsolutePath())),
        LocalRunner.assignInputs(p, Map.of("x", x)));
  }

  @Test
  void hostsFileListsDistinctPorts() throws Exception {
    Path h = LocalRunner.writeHosts(dir.resolve("hosts.txt"), 3);
    List<String> lines = Files.readAllLines(h).stream().filter(l -> !l.startsWith("#")).toList();
    assertEquals(4, lines.size());
    assertEquals(4, lines.stream().map(l -> l.substring(l.lastIndexOf(':'))).distinct().count());
    assertTrue(lines.get(0).startsWith("dealer 127.0.0.1:"), lines.toString());
  }
}
