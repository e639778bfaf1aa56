package onnx2mpc.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.runtime.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-op benchmark models import, and compute what their names say. */
class OpModelsTest {
  @TempDir
  Path dir;

  private static Tensor run(OpModels.Op op, double[] x) throws Exception {
    Graph g = OnnxImporter.convert(OpModels.model(op), op.name() + ".onnx");
    assertEquals(1, g.nodes().size(), g.toString());
    assertEquals(List.of("x"), g.inputs().stream().map(v -> v.name()).toList());
    int[] dims = new int[op.shape().length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) op.shape()[i];
    }
    assertArrayEquals(dims, g.inputs().get(0).shape().dims());
    return Interpreter.run(g, Map.of("x", Tensor.reals(Shape.of(dims), x))).values().iterator()
        .next();
  }

  @Test
  void elementwiseModelsComputeTheirOp() throws Exception {
    double[] x = new SplittableRandom(4).doubles(OpModels.N, -3, 3).toArray();
    Map<String, DoubleUnaryOperator> want = Map.of(
        "mul", v -> v * v,
        "relu", v -> Math.max(v, 0),
        "exp", Math::exp,
        "reciprocal", v -> 1 / v,
        "sigmoid", v -> 1 / (1 + Math.exp(-v)));
    for (OpModels.Op op : OpModels.OPS) {
      if (op.opType().equals("Softmax")) {
        continue;
      }
      double[] y = run(op, x).reals();
      for (int i = 0; i < OpModels.N; i += 99_991) {
        assertEquals(want.get(op.name()).applyAsDouble(x[i]), y[i], 1e-9 * (1 + Math.abs(y[i])),
            op.name() + " at " + i);
      }
    }
  }

  @Test
  void softmaxNormalisesEachRow() throws Exception {
    OpModels.Op op = OpModels.OPS.get(OpModels.OPS.size() - 1);
    assertEquals("Softmax", op.opType());
    int side = OpModels.SOFTMAX_SIDE;
    double[] x = new SplittableRandom(5).doubles((long) side * side, -3, 3).toArray();
    double[] y = run(op, x).reals();
    for (int r = 0; r < side; r += 97) {
      double sum = 0;
      for (int c = 0; c < side; c++) {
        sum += y[r * side + c];
      }
      assertEquals(1, sum, 1e-9, "row " + r);
    }
  }

  @Test
  void mainWritesEveryModelAndAPositiveReciprocalInput() throws Exception {
    OpModels.main(new String[] {"-o", dir.toString()});
    for (OpModels.Op op : OpModels.OPS) {
      assertTrue(Files.size(dir.resolve(op.name() + ".onnx")) > 0, op.name());
    }
    double[] in = Npy.read(dir.resolve("reciprocal-input.npy")).doubles();
    assertEquals(OpModels.N, in.length);
    for (double v : in) {
      assertTrue(v >= 0.5 && v < 8, "reciprocal input " + v);
    }
  }
}
