package onnx2mpc.conformance;

import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;
import static onnx2mpc.conformance.OnnxGraph.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx2mpc.cli.Main;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.Pipeline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the compiler cannot run fails at compile time, once, with one message that names
 * every offending node with its op type and opset (STYLE 8), whether the op is unknown to the
 * importer or imported in a form the MPC lowering rejects.
 */
class UnsupportedTest {
  /** ONNX node names are "Op_index" (see {@link OnnxGraph#ops}). */
  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Resize and TopK around a supported Relu: the importer knows neither. */
  @Test
  void resizeAndTopKFailCompileWithOneMessageNamingBoth(@TempDir Path dir) throws Exception {
    OnnxGraph g = new OnnxGraph("unsupported", 17);
    String x = g.input("x", -1, 1, 1, 2, 4, 4);
    String up = g.op("Resize", List.of(x, "", g.floats("scales", CaseKit.d(4), 1, 1, 2, 2)),
        s("mode", "nearest"));
    String r = g.op("Relu", List.of(up));
    String[] top = g.ops("TopK", 2, List.of(r, g.vec("k", 2)), i("axis", -1));
    g.output(top[0]);
    Path model = dir.resolve("unsupported.onnx");
    Files.write(model, g.model().toByteArray());

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"compile", model.toString(), "-o",
        dir.resolve("out").toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    String msg = err.toString();
    assertEquals(Main.EXIT_USAGE, code, msg);
    assertEquals(1, count(msg, "onnx2mpc: error:"), "one message, not one per node:\n" + msg);
    for (String node : new String[] {"node 'Resize_0' (Resize, opset 17)",
        "node 'TopK_2' (TopK, opset 17)"}) {
      assertTrue(msg.contains(node), "expected the message to name " + node + ", but found:\n"
          + msg);
    }
    assertTrue(!msg.contains("Relu_1"), "the supported node is not listed:\n" + msg);
    assertTrue(msg.contains("supported op types"), "names the alternatives:\n" + msg);
    assertTrue(!Files.exists(dir.resolve("out").resolve("party0.jar")), "nothing written");
  }

  /**
   * Forms the importer accepts but the lowering may not (found by the operator suite): 1-D max
   * pooling, a MatMul with a rank-1 operand, and a Concat mixing secret and public operands.
   * Each is compiled alone first; those that fail alone must all be named, with their ONNX op
   * types and the opset, in the one message the model with all of them fails with. Skipped
   * once fewer than two fail alone, since then there is nothing to collect.
   */
  @Test
  void nodesTheLoweringRejectsAreAllNamedInOneMessage() throws Exception {
    List<String> all = List.of("MaxPool", "MatMul", "Concat");
    List<String> failing = new ArrayList<>();
    for (String branch : all) {
      try {
        Pipeline.compile(OnnxImporter.convert(branches(List.of(branch)), "one.onnx"),
            new CompileOptions(2, Map.of(), -1, 0, 16));
      } catch (RuntimeException e) {
        failing.add(branch);
      }
    }
    Assumptions.assumeTrue(failing.size() >= 2, "only " + failing + " of " + all
        + " fail to compile alone");
    Graph graph = OnnxImporter.convert(branches(all), "all.onnx");
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> Pipeline.compile(graph, new CompileOptions(2, Map.of(), -1, 0, 16)));
    String msg = e.getMessage();
    List<String> absent = new ArrayList<>();
    for (String op : failing) {
      String node = "'" + op + "_" + all.indexOf(op) + "'";
      if (!msg.contains(node)) {
        absent.add("node " + node + " (it fails to compile alone)");
      }
      if (!Pattern.compile("\\b" + op + "\\b").matcher(msg).find()) {
        absent.add("ONNX op type " + op);
      }
    }
    if (!msg.contains("opset 13")) {
      absent.add("the opset");
    }
    assertTrue(absent.isEmpty(), "expected one message naming " + absent + ", but found:\n"
        + msg);
  }

  /** The model with the named branches; node i is the i-th of MaxPool, MatMul, Concat. */
  private static ai.onnx.proto.OnnxMl.ModelProto branches(List<String> which) {
    OnnxGraph g = new OnnxGraph("branches", 13);
    String x = g.input("x", -1, 1, 1, 3, 9);
    String v = g.input("v", -1, 1, 4);
    List<String> outs = new ArrayList<>();
    String maxPool = g.op("MaxPool", List.of(x), ints("kernel_shape", 3));
    String matMul = g.op("MatMul", List.of(v, g.weight("w", 1, 4, 5)));
    String concat = g.op("Concat", List.of(x, g.weight("p", 1, 1, 2, 9)), i("axis", 1));
    for (String[] b : new String[][] {{"MaxPool", maxPool}, {"MatMul", matMul},
        {"Concat", concat}}) {
      if (which.contains(b[0])) {
        outs.add(b[1]);
      }
    }
    g.output(outs.toArray(String[]::new));
    return g.model();
  }
}
