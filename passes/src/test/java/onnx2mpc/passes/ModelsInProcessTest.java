package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import onnx2mpc.frontend.Npy;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared models, compiled and run in one process, against PyTorch's outputs. */
class ModelsInProcessTest {
  static Path shared() {
    return Path.of(System.getProperty("onnx2mpc.shared", "../../shared"), "models");
  }

  /**
   * A model folder's inputs (NAME.npy, or input.npy for a single input), each owned by one of
   * parties 1..n-1 in turn.
   */
  static void readInputs(Path dir, Graph g, int parties, Map<String, Tensor> inputs,
      Map<String, Integer> owners) throws java.io.IOException {
    int k = 0;
    for (Value in : g.inputs()) {
      Path f = dir.resolve(in.name() + ".npy");
      inputs.put(in.name(), Npy.read(Files.exists(f) ? f : dir.resolve("input.npy")));
      owners.put(in.name(), 1 + (k++ % (parties - 1)));
    }
  }

  @ParameterizedTest(name = "{0} with {1} parties")
  @CsvSource({"mlp,2,0.01", "lenet,2,0.01", "feature_agg,3,0.01", "lenet,3,0.01",
      "resnet18_cifar,2,0.05", "resnet18,2,0.05"})
  void matchesPyTorch(String model, int parties, double tolerance) throws Exception {
    check(model, parties, tolerance, 1);
  }

  /**
   * Three repetitions in one session, as {@code --repeat} runs them: the masked weights are
   * published in the first and reused by the others, which must still be exact.
   */
  @ParameterizedTest(name = "{0} with {1} parties, 3 repetitions")
  @CsvSource({"lenet,2,0.01", "lenet,3,0.01", "resnet18_cifar,2,0.05"})
  void repeatedSessionMatchesPyTorch(String model, int parties, double tolerance)
      throws Exception {
    check(model, parties, tolerance, 3);
  }

  private static void check(String model, int parties, double tolerance, int epochs)
      throws Exception {
    Path dir = shared().resolve(model);
    assumeTrue(Files.isDirectory(dir), "shared models not present");
    Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
    Map<String, Tensor> inputs = new HashMap<>();
    Map<String, Integer> owners = new HashMap<>();
    ModelsInProcessTest.readInputs(dir, g, parties, inputs, owners);
    long t0 = System.nanoTime();
    CompiledProgram p = Pipeline.compile(g, new CompileOptions(parties, owners, 0, 0, 16));
    long t1 = System.nanoTime();
    InProcessRunner.Result r = InProcessRunner.run(p, inputs, epochs);
    long t2 = System.nanoTime();
    double[] want = Npy.read(dir.resolve("expected_output.npy")).reals();
    double[] got = r.outputs().get(0);
    double err = 0;
    for (int i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(want[i] - got[i]));
    }
    System.out.printf("%s/%d parties: err %.2e, rounds %d (offline %d), bytes/party %d, dealer %d,"
        + " compile %.2fs, run %.2fs%n", model, parties, err, p.plan().rounds(),
        p.plan().offlineRounds(), p.plan().bytesSent()[0], p.plan().dealerBytes(),
        (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    if (InProcessRunner.PROFILE) {
      InProcessRunner.TIMES.forEach((kk, v) -> System.out.printf("  %-22s %8.3f s%n", kk, v / 1e9));
      InProcessRunner.TIMES.clear();
    }
    assertTrue(err <= tolerance, model + ": max abs error " + err);
  }
}
