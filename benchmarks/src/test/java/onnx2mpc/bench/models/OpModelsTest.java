package onnx2mpc.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

  /** Runs op's model in plaintext with every input set to x. */
  private static Tensor run(OpModels.Op op, double[]... x) throws Exception {
    Graph g = OnnxImporter.convert(OpModels.model(op), op.name() + ".onnx");
    assertEquals(1, g.nodes().size(), g.toString());
    assertEquals(op.inputs(), g.inputs().stream().map(v -> v.name()).toList());
    assertEquals(x.length, g.inputs().size(), op.name());
    int[] dims = new int[op.shape().length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) op.shape()[i];
    }
    Map<String, Tensor> in = new java.util.HashMap<>();
    for (int i = 0; i < x.length; i++) {
      assertArrayEquals(dims, g.inputs().get(i).shape().dims());
      in.put(op.inputs().get(i), Tensor.reals(Shape.of(dims), x[i]));
    }
    return Interpreter.run(g, in).values().iterator().next();
  }

  @Test
  void elementwiseModelsComputeTheirOp() throws Exception {
    double[] x = new SplittableRandom(4).doubles(OpModels.N, -3, 3).toArray();
    double[] y = new SplittableRandom(6).doubles(OpModels.N, -3, 3).toArray();
    Map<String, java.util.function.IntToDoubleFunction> want = Map.of(
        "mul", i -> x[i] * y[i],
        "square", i -> x[i] * x[i],
        "relu", i -> Math.max(x[i], 0),
        "exp", i -> Math.exp(x[i]),
        "reciprocal", i -> 1 / x[i],
        "sigmoid", i -> 1 / (1 + Math.exp(-x[i])));
    for (OpModels.Op op : OpModels.OPS) {
      if (op.opType().equals("Softmax")) {
        continue;
      }
      double[] out = (op.inputs().size() == 2 ? run(op, x, y) : run(op, x)).reals();
      for (int i = 0; i < OpModels.N; i += 99_991) {
        double w = want.get(op.name()).applyAsDouble(i);
        assertEquals(w, out[i], 1e-9 * (1 + Math.abs(w)), op.name() + " at " + i);
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
