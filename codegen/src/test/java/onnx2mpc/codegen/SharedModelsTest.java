package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.Pipeline;
import onnx2mpc.runtime.io.FixedPoint;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole compiler on the shared test models (skipped where absent): the bytecode and the
 * javac-compiled source of every party and the dealer run on a LocalNetwork and both
 * match PyTorch's output. They cannot match each other bit for bit: probabilistic truncation
 * differs by an ulp run to run, and the difference travels through the layers.
 */
class SharedModelsTest {
  private static Path models() {
    String shared = System.getProperty("onnx2mpc.shared");
    Path dir = shared == null ? Path.of("/work/shared/models") : Path.of(shared, "models");
    Assumptions.assumeTrue(Files.isDirectory(dir), "no shared models at " + dir);
    return dir;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "lenet", "feature_agg", "resnet18_cifar"})
  void bytecodeAndSourceComputeTheModel(String name) throws Exception {
    Path dir = models().resolve(name);
    Assumptions.assumeTrue(Files.exists(dir.resolve("model.onnx")), "no " + dir);
    Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
    // feature_agg: one input per party, as in CrypTen's feature aggregation scenario.
    CompileOptions o = new CompileOptions(2, name.equals("feature_agg")
        ? Map.of("alice", 0, "bob", 1) : Map.of(), 0, 0b11, 16);
    CompiledProgram p = Pipeline.compile(g, o);
    long[][] inputs = new long[p.inputs().size()][];
    for (CompiledProgram.InputSpec in : p.inputs()) {
      Path f = dir.resolve(in.name() + ".npy");
      inputs[in.id()] = FixedPoint.encode(Npy.read(f), in.scale(), f.toString());
    }
    NpyArray expected = Npy.read(dir.resolve("expected_output.npy"));
    CompiledProgram.OutputSpec out = p.outputs().get(0);

    Map<String, byte[]> asm = BytecodeGen.all(p);
    for (Map.Entry<String, byte[]> e : asm.entrySet()) {
      assertEquals("", BytecodeGenTest.verify(e.getValue()), e.getKey());
    }
    long[][][] viaAsm = LocalRun.run(p, LocalRun.load(asm), inputs);
    long[][][] viaJavac = LocalRun.run(p,
        LocalRun.load(InMemoryJavac.compile(JavaSourceGen.all(p))), inputs);
    for (long[][][] run : new long[][][][] {viaAsm, viaJavac}) {
      for (int k = 0; k < 2; k++) {
        double[] got = FixedPoint.decode(run[k][0], out.scale());
        double err = 0;
        for (int i = 0; i < got.length; i++) {
          err = Math.max(err, Math.abs(got[i] - expected.getDouble(i)));
        }
        assertTrue(err < 1e-2, name + " party " + k + ": max abs error " + err);
      }
    }
  }
}
