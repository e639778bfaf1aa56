package onnx2mpc.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated weights behave like a BN-folded trained network: activations O(1) at
 * every layer and logits O(1..10). Run with {@link FloatEval}, which is first checked
 * against PyTorch's own output for the shared CIFAR ResNet-18.
 */
class ResNetActivationsTest {

  /** The interpreter agrees with PyTorch on the reference model, so its numbers below count. */
  @Test
  void floatEvalReproducesPyTorchOnReference() throws Exception {
    ModelProto ref = ResNetGeneratorTest.reference("resnet18_cifar");
    Path dir = ResNetGeneratorTest.sharedModels().resolve("resnet18_cifar");
    float[] input = readNpy(dir.resolve("input.npy"), 3 * 32 * 32);
    float[] want = readNpy(dir.resolve("expected_output.npy"), 10);
    float[] got = FloatEval.eval(ref, input).get("output").data();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-4, "logit " + i);
    }
  }

  /** Payload of a float32 .npy with {@code n} elements (the header is what precedes it). */
  static float[] readNpy(Path f, int n) throws IOException {
    byte[] b = Files.readAllBytes(f);
    float[] out = new float[n];
    ByteBuffer.wrap(b, b.length - 4 * n, 4 * n).slice().order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer().get(out);
    return out;
  }

  /**
   * Root mean square of every Relu output within [0.4, 3] (0.67 to 1.96 seen over seeds
   * 1-3; the reference exports run at 0.3 to 0.75), logits with a spread across classes in
   * [1, 10] and none beyond 40 (seen: sd 2.5 to 3.5, max 8 to 12).
   */
  @ParameterizedTest
  @CsvSource({"18, 32, 1", "18, 64, 2", "34, 64, 3", "50, 64, 4"})
  void activationsStayOrderOne(int depth, int size, long seed) {
    ModelProto m = ResNetGenerator.resnet(depth, size, seed);
    Map<String, FloatEval.T> env = FloatEval.eval(m, ResNetGenerator.randomInput(size, seed));
    StringBuilder profile = new StringBuilder();
    for (NodeProto n : m.getGraph().getNodeList()) {
      float[] y = env.get(n.getOutput(0)).data();
      double sq = 0;
      for (float v : y) {
        assertTrue(Float.isFinite(v), n.getName() + " produced " + v);
        sq += (double) v * v;
      }
      double rms = Math.sqrt(sq / y.length);
      profile.append(String.format("%s %.3f%n", n.getName(), rms));
      if (n.getOpType().equals("Relu")) {
        assertTrue(rms >= 0.4 && rms <= 3, n.getName() + " rms " + rms + "\n" + profile);
      }
    }
    float[] logits = env.get("output").data();
    double mean = 0;
    double max = 0;
    for (float v : logits) {
      mean += v / logits.length;
      max = Math.max(max, Math.abs(v));
    }
    double var = 0;
    for (float v : logits) {
      var += (v - mean) * (v - mean) / logits.length;
    }
    double sd = Math.sqrt(var);
    assertTrue(sd >= 1 && sd <= 10 && max <= 40,
        "logits sd " + sd + ", max |logit| " + max + "\n" + profile);
  }

  /**
   * The project's own ONNX front end accepts a generated model and its interpreter computes
   * the same logits: the benchmark models are usable by the compiler, and the two
   * interpreters check each other.
   */
  @Test
  void frontEndImportsGeneratedModelAndAgrees() throws Exception {
    ModelProto m = ResNetGenerator.resnet(18, 32, 10, 9);
    float[] x = ResNetGenerator.randomInput(32, 9);
    Graph g = OnnxImporter.convert(m, "resnet18_generated.onnx");
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xd[i] = x[i];
    }
    Tensor out = Interpreter.run(g, Map.of("input", Tensor.reals(Shape.of(1, 3, 32, 32), xd)))
        .values().iterator().next();
    assertArrayEquals(new int[] {1, 10}, out.shape().dims());
    float[] mine = FloatEval.eval(m, x).get("output").data();
    for (int i = 0; i < mine.length; i++) {
      assertEquals(mine[i], out.reals()[i], 1e-3 * Math.max(1, Math.abs(mine[i])), "logit " + i);
    }
  }
}
