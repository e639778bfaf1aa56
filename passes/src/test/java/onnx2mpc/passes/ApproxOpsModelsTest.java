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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shared models that use approximated ops (softmax_mlp: Gemm Softmax Tanh; elementwise: Exp
 * Log Sqrt Reciprocal Sigmoid Tanh next to exact ops), compiled and run in one process, against
 * PyTorch's outputs.
 */
class ApproxOpsModelsTest {
  @ParameterizedTest(name = "{0} with {1} parties")
  @CsvSource({"softmax_mlp,2,0.02", "softmax_mlp,3,0.02", "elementwise,2,0.02",
      "elementwise,3,0.02", "logreg,2,0.02"})
  void matchesPyTorch(String model, int parties, double tolerance) throws Exception {
    Path dir = ModelsInProcessTest.shared().resolve(model);
    assumeTrue(Files.isDirectory(dir), "shared models not present");
    Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
    Map<String, Tensor> inputs = new HashMap<>();
    Map<String, Integer> owners = new HashMap<>();
    ModelsInProcessTest.readInputs(dir, g, parties, inputs, owners);
    CompiledProgram p = Pipeline.compile(g, new CompileOptions(parties, owners, 0, 0, 16));
    InProcessRunner.Result r = InProcessRunner.run(p, inputs);
    double[] want = Npy.read(dir.resolve("expected_output.npy")).reals();
    double[] got = r.outputs().get(0);
    double err = 0;
    for (int i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(want[i] - got[i]));
    }
    System.out.printf("%s/%d parties: err %.2e, rounds %d, bytes/party %d%n", model, parties, err,
        p.plan().rounds(), p.plan().bytesSent()[0]);
    assertTrue(err <= tolerance, model + ": max abs error " + err);
  }
}
