package onnx2mpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx2mpc.codegen.Json;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;

  /** Exit code, stdout, stderr of one command line. */
  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void aMissingModelIsOneClearMessage() {
    Result r = cli("compile", dir.resolve("nope.onnx").toString(), "-o", dir.toString());
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: expected an ONNX model file, but found no file "
        + dir.resolve("nope.onnx") + "\n", r.err());
  }

  @Test
  void aFileThatIsNoModelIsOneClearMessage() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.onnx"), "not a protobuf at all");
    Result r = cli("inspect", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("onnx2mpc: error: "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void badOptionsAreRejected() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Result r = cli("compile", m.toString(), "-o", dir.toString(), "--owner", "nope=0");
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: --owner: expected an input of the model (x), but found"
        + " 'nope'\n", r.err());
    r = cli("compile", m.toString(), "-o", dir.toString(), "--weights", "alice");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--weights: expected a party number or 'public', but found"
        + " 'alice'"), r.err());
    r = cli("compile", m.toString(), "-o", dir.toString(), "--output-to", "5");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--output-to: expected parties 0..1, but found 5"), r.err());
    r = cli("compile", m.toString(), "-o", dir.toString(), "--truncation", "approx");
    assertEquals(2, r.code());
    assertEquals("onnx2mpc: error: --truncation: expected local or exact, but found 'approx'\n",
        r.err());
  }

  @Test
  void exactTruncationAddsTheDealersRound() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Result local = cli("inspect", m.toString());
    Result exact = cli("inspect", m.toString(), "--truncation", "exact");
    assertEquals(0, exact.code(), exact.err());
    assertTrue(local.out().contains("total: 2 online rounds"), local.out());
    assertTrue(exact.out().contains("total: 3 online rounds"), exact.out());
    String row = exact.out().lines().filter(l -> l.startsWith("mm ")).findFirst().orElseThrow();
    assertTrue(row.contains("trunc"), row);
  }

  @Test
  void inspectListsOpsSupportAndCost() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Result r = cli("inspect", m.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("input  x"), r.out());
    String row = r.out().lines().filter(l -> l.startsWith("mm ")).findFirst().orElseThrow();
    assertTrue(row.matches("mm +matmul +\\[1,2\\] +yes +1 .*triple\\.matmul x1"), row);
    assertTrue(r.out().contains("total: 2 online rounds"), r.out());
  }

  @Test
  void compileWritesJarsPlanAndJava() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Path out = dir.resolve("out");
    Result r = cli("compile", m.toString(), "-o", out.toString(), "--emit-java");
    assertEquals(0, r.code(), r.err());
    for (String f : new String[] {"party0.jar", "party1.jar", "dealer.jar", "plan.txt",
        "plan.json", "java/onnx2mpc/gen/Party0.java", "java/onnx2mpc/gen/Dealer.java"}) {
      assertTrue(Files.exists(out.resolve(f)), f + "\n" + r.out());
    }
    Object plan = Json.parse(Files.readString(out.resolve("plan.json")));
    assertEquals(2L, ((Map<?, ?>) plan).get("parties"));
    assertTrue(Files.readString(out.resolve("plan.txt")).contains("total"));
  }

  @Test
  void runComputesTheModelAcrossProcesses() throws Exception {
    Path m = TinyModels.matmul(dir.resolve("m.onnx"));
    Path x = dir.resolve("x.npy");
    double[] xs = new double[TinyModels.X.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = TinyModels.X[i];
    }
    Npy.write(x, NpyArray.ofDoubles(new int[] {1, 4}, xs));
    Path expected = dir.resolve("expected.npy");
    Npy.write(expected, NpyArray.ofDoubles(new int[] {1, 2}, TinyModels.expected()));
    Path y = dir.resolve("y.npy");
    Path stats = dir.resolve("stats.json");
    Result r = cli("run", m.toString(), "--input", "x=" + x, "--output", y.toString(),
        "--expected", expected.toString(), "--stats", stats.toString(), "--tolerance", "1e-3");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("max abs err"), r.out());
    double[] got = Npy.read(y).doubles();
    double[] want = TinyModels.expected();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-3);
    }
    Map<?, ?> s = (Map<?, ?>) Json.parse(Files.readString(stats));
    for (String key : new String[] {"parties", "rounds", "bytes_sent", "bytes_total", "wall_s",
        "online_s", "peak_rss_mib", "max_abs_err", "layers"}) {
      assertTrue(s.containsKey(key), key + " in " + s);
    }
    assertTrue(((Map<?, ?>) s.get("bytes_sent")).containsKey("dealer"), s.toString());
  }
}
