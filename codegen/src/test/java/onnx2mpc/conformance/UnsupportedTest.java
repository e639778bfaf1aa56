package onnx2mpc.conformance;

import static onnx2mpc.conformance.OnnxGraph.i;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx2mpc.cli.Main;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.Pipeline;
import onnx2mpc.passes.lower.Lowering;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the compiler cannot run fails at compile time, once, with one message that names
 * every offending node with its op type and opset (STYLE 8), whether the op is unknown to the
 * importer or known but without an MPC lowering.
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
   * Two ops the importer accepts but the lowering does not (whichever of the approximations
   * have not landed yet): the compile fails with one message naming both ONNX nodes, their
   * ONNX op types and the opset, as the importer's message does. Skipped once fewer than two
   * of these ops lack a lowering.
   */
  @Test
  void opsWithoutLoweringFailCompileWithOneMessageNamingEach() throws Exception {
    List<String[]> candidates = List.of(new String[] {"Exp", "tensor.exp"},
        new String[] {"Sigmoid", "tensor.sigmoid"}, new String[] {"Tanh", "tensor.tanh"},
        new String[] {"Log", "tensor.log"}, new String[] {"Erf", "tensor.erf"},
        new String[] {"Sqrt", "tensor.sqrt"}, new String[] {"Reciprocal", "tensor.reciprocal"});
    List<String> onnx = new ArrayList<>();
    for (String[] c : candidates) {
      if (!Lowering.supports(c[1]) && onnx.size() < 2) {
        onnx.add(c[0]);
      }
    }
    Assumptions.assumeTrue(onnx.size() == 2, "fewer than two of " + candidates.stream()
        .map(c -> c[0]).toList() + " lack a lowering");
    OnnxGraph g = new OnnxGraph("unlowered", 13);
    String x = g.input("x", 0.5, 2, 2, 3);
    String y = g.op("Relu", List.of(g.op(onnx.get(0), List.of(x))));
    g.output(g.op("Add", List.of(g.op(onnx.get(1), List.of(y)), x)));
    Graph graph = OnnxImporter.convert(g.model(), "unlowered.onnx");

    RuntimeException e = assertThrows(RuntimeException.class,
        () -> Pipeline.compile(graph, CompileOptions.defaults()));
    String msg = e.getMessage();
    String[] nodes = {onnx.get(0) + "_0", onnx.get(1) + "_2"};
    for (int k = 0; k < 2; k++) {
      assertTrue(msg.contains("'" + nodes[k] + "'"), "names node " + nodes[k] + ":\n" + msg);
      assertTrue(Pattern.compile("\\b" + onnx.get(k) + "\\b").matcher(msg).find(),
          "names ONNX op type " + onnx.get(k)
          + " as the model spells it:\n" + msg);
    }
    assertTrue(msg.contains("opset 13"), "names the opset:\n" + msg);
    assertTrue(!msg.contains("Relu_1") && !msg.contains("Add_3"), "lists only offenders:\n"
        + msg);
  }
}
