package onnx2mpc.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.TensorOps;
import onnx2mpc.ir.Value;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared model: import, run the interpreter on the model's inputs and compare with
 * PyTorch's float32 output (the independent oracle), within 1e-4.
 */
class ModelsTest {
  static final double TOLERANCE = 1e-4;

  /** The shared model folder, or null when it is absent (then the tests are skipped). */
  static Path modelsDir() {
    String prop = System.getProperty("onnx2mpc.shared");
    List<String> candidates = prop != null ? List.of(prop) : List.of("../shared", "../../shared");
    for (String c : candidates) {
      Path p = Path.of(c, "models");
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  static Map<String, Tensor> inputs(Graph g, Path folder) throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    for (Value v : g.inputs()) {
      in.put(v.name(), Npy.read(folder.resolve(v.name() + ".npy")));
    }
    return in;
  }

  static double maxAbsError(Tensor got, Tensor want) {
    assertEquals(want.shape(), got.shape(), "output shape");
    double[] a = got.reals();
    double[] b = want.reals();
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @TestFactory
  Stream<DynamicTest> everyModelMatchesPyTorch() throws IOException {
    Path dir = modelsDir();
    Assumptions.assumeTrue(dir != null, "shared models absent");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> folders = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted()
          .toList();
      assertFalse(folders.isEmpty(), "no models in " + dir);
      return folders.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
          () -> assertTimeoutPreemptively(Duration.ofSeconds(60), () -> checkModel(f))));
    }
  }

  private static void checkModel(Path folder) throws Exception {
    Graph g = OnnxImporter.load(folder.resolve("model.onnx"));
    for (Node n : g.nodes()) {
      TensorOps.check(n); // normalized attributes, operand counts
      assertTrue(n.origin() != null && !n.origin().isEmpty(), n.toString());
    }
    Map<Value, Tensor> out = Interpreter.run(g, inputs(g, folder));
    assertEquals(1, out.size());
    Tensor got = out.values().iterator().next();
    double err = maxAbsError(got, Npy.read(folder.resolve("expected_output.npy")));
    assertTrue(err <= TOLERANCE, folder.getFileName() + ": max abs error " + err);
  }

  /** The trained digits CNN classifies 384 of the 397 held-out images right, as in PyTorch. */
  @Test
  void digitsAccuracyMatchesPyTorch() throws Exception {
    Path dir = modelsDir();
    Assumptions.assumeTrue(dir != null && Files.isDirectory(dir.resolve("digits_cnn")));
    Path f = dir.resolve("digits_cnn");
    Graph g = OnnxImporter.load(f.resolve("model.onnx"));
    Tensor logits = Interpreter.run(g, inputs(g, f)).values().iterator().next();
    long[] labels = Npy.read(f.resolve("labels.npy")).ints();
    int classes = logits.shape().dim(1);
    double[] l = logits.reals();
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (l[i * classes + k] > l[i * classes + best]) {
          best = k;
        }
      }
      correct += best == labels[i] ? 1 : 0;
    }
    assertEquals(397, labels.length);
    assertEquals(384, correct, "accuracy " + correct / 397.0);
  }

  /** What fold-constants and fold-batchnorm leave of the poolpad model's shape chains. */
  @Test
  void poolpadShapeChainsAreFolded() throws Exception {
    Path dir = modelsDir();
    Assumptions.assumeTrue(dir != null && Files.isDirectory(dir.resolve("poolpad")));
    Graph g = OnnxImporter.load(dir.resolve("poolpad/model.onnx"));
    List<String> ops = g.nodes().stream().map(Node::op).toList();
    // The first Pad pads by zero everywhere and disappears.
    assertEquals(List.of("tensor.conv", "tensor.relu", "tensor.averagepool",
        "tensor.batchnorm", "tensor.maxpool", "tensor.add", "tensor.pad",
        "tensor.globalaveragepool", "tensor.reshape"), ops);
    for (Value c : g.constants().keySet()) {
      assertFalse(g.constant(c).isInt(), "integer constant left over: " + c.name());
    }
  }
}
