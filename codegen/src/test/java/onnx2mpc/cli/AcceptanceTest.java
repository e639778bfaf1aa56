package onnx2mpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import onnx2mpc.codegen.Json;
import onnx2mpc.runtime.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acceptance runs of the end-to-end pipeline: the shared models compiled and run by real
 * party and dealer processes over TCP, against PyTorch's outputs.
 */
class AcceptanceTest {
  @TempDir Path dir;

  static Path model(String name) {
    return Path.of(System.getProperty("onnx2mpc.shared", "../../shared"), "models", name);
  }

  @ParameterizedTest(name = "{0} with {1} parties")
  @CsvSource({"mlp,2", "mlp,3", "mlp,4", "lenet,2", "lenet,3", "lenet,4", "digits_cnn,2",
      "digits_cnn,3", "digits_cnn,4"})
  void sharedModelsMatchPyTorch(String name, int parties) throws Exception {
    Path m = model(name);
    assumeTrue(Files.isDirectory(m), "shared models not present");
    Path out = dir.resolve("out.npy");
    Path stats = dir.resolve("stats.json");
    MainTest.Result r = MainTest.cli("run", m.resolve("model.onnx").toString(), "--input",
        "input=" + m.resolve("input.npy"), "--expected", m.resolve("expected_output.npy").toString(),
        "--parties", Integer.toString(parties), "--output", out.toString(), "--stats",
        stats.toString(), "--tolerance", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    Map<?, ?> s = (Map<?, ?>) Json.parse(Files.readString(stats));
    double err = ((Number) s.get("max_abs_err")).doubleValue();
    if (!name.equals("digits_cnn")) {
      assertTrue(err <= 0.01, name + ": max abs error " + err);
      return;
    }
    double[] got = Npy.read(out).doubles();
    double[] want = Npy.read(m.resolve("expected_output.npy")).doubles();
    long[] labels = Npy.read(m.resolve("labels.npy")).longs();
    int rows = labels.length;
    int agree = 0;
    int correct = 0;
    for (int i = 0; i < rows; i++) {
      int g = argmax(got, i * 10, 10);
      agree += g == argmax(want, i * 10, 10) ? 1 : 0;
      correct += g == (int) labels[i] ? 1 : 0;
    }
    double accuracy = 100.0 * correct / rows;
    System.out.printf("digits_cnn, %d parties: argmax agrees on %d/%d, accuracy %.2f%%, err %.2e%n",
        parties, agree, rows, accuracy, err);
    assertTrue(agree >= 395, "argmax agrees on " + agree + " of " + rows);
    assertTrue(Math.abs(accuracy - 96.73) <= 0.5, "accuracy " + accuracy);
  }

  /** Every single-input shared model through `onnx2mpc run`, within issue 4's tolerances. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"logreg,0.01", "poolpad,0.01", "softmax_mlp,0.02", "elementwise,0.02",
      "resnet18_cifar,0.05"})
  void otherSharedModelsMatchPyTorch(String name, double tolerance) throws Exception {
    Path m = model(name);
    assumeTrue(Files.isDirectory(m), "shared models not present");
    Path stats = dir.resolve("stats.json");
    MainTest.Result r = MainTest.cli("run", m.resolve("model.onnx").toString(), "--input",
        "input=" + m.resolve("input.npy"), "--expected", m.resolve("expected_output.npy").toString(),
        "--stats", stats.toString(), "--tolerance", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    double err = ((Number) ((Map<?, ?>) Json.parse(Files.readString(stats))).get("max_abs_err"))
        .doubleValue();
    System.out.printf("%s: max abs error %.2e%n", name, err);
    assertTrue(err <= tolerance, name + ": max abs error " + err);
  }

  private static int argmax(double[] a, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (a[off + i] > a[off + best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void featureAggregationWithOneInputPerParty() throws Exception {
    Path m = model("feature_agg");
    assumeTrue(Files.isDirectory(m), "shared models not present");
    Path stats = dir.resolve("stats.json");
    MainTest.Result r = MainTest.cli("run", m.resolve("model.onnx").toString(),
        "--input", "alice=" + m.resolve("alice.npy"), "--input", "bob=" + m.resolve("bob.npy"),
        "--parties", "3", "--owner", "alice=1", "--owner", "bob=2",
        "--expected", m.resolve("expected_output.npy").toString(), "--stats", stats.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    double err = ((Number) ((Map<?, ?>) Json.parse(Files.readString(stats))).get("max_abs_err"))
        .doubleValue();
    assertTrue(err <= 0.01, "max abs error " + err);
  }

  /** compile, then each jar started by hand with a hosts file, as separate processes. */
  @Test
  void jarsLaunchedByHandGiveTheRunOutput() throws Exception {
    Path m = model("lenet");
    assumeTrue(Files.isDirectory(m), "shared models not present");
    Path out = dir.resolve("build");
    MainTest.Result c = MainTest.cli("compile", m.resolve("model.onnx").toString(), "-o",
        out.toString());
    assertEquals(0, c.code(), c.out() + c.err());
    Path hosts = LocalRunner.writeHosts(dir.resolve("hosts.txt"), 2);
    String java = ProcessHandle.current().info().command().orElse("java");
    Path y = dir.resolve("y.npy");
    List<Process> procs = new ArrayList<>();
    procs.add(start(List.of(java, "-jar", out.resolve("dealer.jar").toString(), "--hosts",
        hosts.toString())));
    procs.add(start(List.of(java, "-jar", out.resolve("party0.jar").toString(), "--hosts",
        hosts.toString())));
    procs.add(start(List.of(java, "-jar", out.resolve("party1.jar").toString(), "--hosts",
        hosts.toString(), "--input", "input=" + m.resolve("input.npy"), "--output",
        y.toString())));
    try {
      for (Process p : procs) {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a process did not finish");
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
      }
    } finally {
      procs.forEach(Process::destroyForcibly);
    }
    Path viaRun = dir.resolve("run.npy");
    MainTest.Result r = MainTest.cli("run", m.resolve("model.onnx").toString(), "--input",
        "input=" + m.resolve("input.npy"), "--output", viaRun.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    double[] a = Npy.read(y).doubles();
    double[] b = Npy.read(viaRun).doubles();
    double[] want = Npy.read(m.resolve("expected_output.npy")).doubles();
    for (int i = 0; i < a.length; i++) {
      // Truncation is probabilistic (1 ulp), so two runs agree to a few ulps, not bit for bit.
      assertEquals(b[i], a[i], 1e-3, "output " + i);
      assertEquals(want[i], a[i], 1e-2, "output " + i);
    }
  }

  private Process start(List<String> cmd) throws Exception {
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }
}
