package onnx2mpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx2mpc.codegen.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onnx2mpc bench} end to end with real processes, on models small enough for every
 * build (the ResNet benchmarks of docs/scaling.md are run by hand, never here).
 */
class BenchCommandTest {
  @TempDir
  Path dir;

  private static Path shared(String model) {
    return Path.of(System.getProperty("onnx2mpc.shared", "../../shared"), "models", model);
  }

  @Test
  void lenetWithRandomInputReportsLayersTotalsAndError() throws Exception {
    Path lenet = shared("lenet").resolve("model.onnx");
    assumeTrue(Files.exists(lenet), "no shared model " + lenet);
    Path json = dir.resolve("bench.json");
    MainTest.Result r = MainTest.cli("bench", lenet.toString(), "--input", "random",
        "--repeat", "2", "--json", json.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    for (String line : new String[] {"ONNX node", "/c1/Conv", "/MaxPool", "end to end ",
        "median of 2", "rounds ", "bytes sent ", "dealer ", "peak memory ", "max abs err ",
        "jvm time     collector pauses p0 "}) {
      assertTrue(r.out().contains(line), line + " in\n" + r.out());
    }
    Map<?, ?> s = (Map<?, ?>) Json.parse(Files.readString(json));
    for (String key : new String[] {"wall_s", "online_s", "offline_s", "rounds", "bytes_sent",
        "bytes_total", "peak_rss_mib", "max_abs_err", "layers", "repetitions"}) {
      assertTrue(s.containsKey(key), key + " in " + s.keySet());
    }
    double wall = ((Number) s.get("wall_s")).doubleValue();
    double online = ((Number) s.get("online_s")).doubleValue();
    assertTrue(online > 0 && online < wall, "online " + online + ", end to end " + wall);
    assertEquals(2, ((List<?>) s.get("repetitions")).size());
    // Random N(0, 1) images: fixed point with 16 fractional bits stays close to plaintext.
    double err = ((Number) s.get("max_abs_err")).doubleValue();
    assertTrue(err < 0.05, "max abs err " + err);
    Map<?, ?> sent = (Map<?, ?>) s.get("bytes_sent");
    assertEquals(List.of("0", "1", "dealer"), List.copyOf(sent.keySet()));
    for (Object b : sent.values()) {
      assertTrue(((Number) b).longValue() > 0, sent.toString());
    }
    Map<?, ?> rss = (Map<?, ?>) s.get("peak_rss_mib");
    assertEquals(3, rss.size());
    // The JVMs' own time per inference: every process reports it (HotSpot does), none negative.
    for (String key : new String[] {"gc_s", "jit_s"}) {
      Map<?, ?> jvm = (Map<?, ?>) s.get(key);
      assertEquals(List.of("0", "1", "dealer"), List.copyOf(jvm.keySet()), key);
      for (Object t : jvm.values()) {
        assertTrue(t instanceof Number n && n.doubleValue() >= 0, key + " " + jvm);
      }
    }
    // Every online round belongs to one layer: the per-layer rounds add up to the total.
    long rounds = 0;
    double share = 0;
    for (Object o : (List<?>) s.get("layers")) {
      Map<?, ?> l = (Map<?, ?>) o;
      rounds += ((Number) l.get("rounds")).longValue();
      share += ((Number) l.get("share")).doubleValue();
    }
    assertEquals(((Number) s.get("rounds")).longValue(), rounds);
    assertEquals(1.0, share, 1e-3);
  }

  @Test
  void inputFilesAreUsedAsGivenAndCheckedAgainstTheModel() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    MainTest.Result r = MainTest.cli("bench", m.toString(), "--input", "y=random");
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: --input: expected an input of the model (x), but found 'y'\n",
        r.err());
    r = MainTest.cli("bench", m.toString(), "--input", "noise");
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: --input: expected NAME=FILE.npy, NAME=random or random, but"
        + " found 'noise'\n", r.err());
    r = MainTest.cli("bench", m.toString(), "--input", "x=" + dir.resolve("none.npy"));
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: --input x: no such file " + dir.resolve("none.npy") + "\n",
        r.err());
    r = MainTest.cli("bench", m.toString(), "--repeat", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--repeat: expected R >= 1"), r.err());
  }

  @Test
  void aMatmulWithoutInputsRunsOnRandomOnesAgreeingWithPlaintext() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Path json = dir.resolve("b.json");
    MainTest.Result r = MainTest.cli("bench", m.toString(), "--repeat", "1", "--warmup", "0",
        "--json", json.toString(), "--keep", dir.resolve("keep").toString());
    assertEquals(0, r.code(), r.out() + r.err());
    Map<?, ?> s = (Map<?, ?>) Json.parse(Files.readString(json));
    assertTrue(((Number) s.get("max_abs_err")).doubleValue() < 1e-3, s.toString());
    assertTrue(Files.exists(dir.resolve("keep").resolve("input-x.npy")));
  }
}
