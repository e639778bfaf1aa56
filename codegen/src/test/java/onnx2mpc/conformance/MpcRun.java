package onnx2mpc.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx2mpc.codegen.BytecodeGen;
import onnx2mpc.codegen.LocalRun;
import onnx2mpc.ir.Tensor;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.CompiledProgram.InputSpec;
import onnx2mpc.passes.CompiledProgram.OutputSpec;
import onnx2mpc.runtime.io.FixedPoint;
import onnx2mpc.runtime.io.NpyArray;

/**
 * Runs what the party jars would run: the ASM-generated party and dealer classes, each party
 * and the dealer on its own thread over an in-process network ({@link LocalRun}), plus
 * encoding and decoding. Each party is handed only the inputs and constants it may see;
 * reading anything else fails the test, as does a receiver getting a different output from
 * another.
 */
final class MpcRun {
  private static final long TIMEOUT_SECONDS = 120;

  private MpcRun() {}

  /** Decoded outputs in graph output order. */
  static List<double[]> run(CompiledProgram p, Map<String, Tensor> inputs) throws Exception {
    long[][] words = new long[p.inputs().size()][];
    for (InputSpec in : p.inputs()) {
      Tensor t = inputs.get(in.name());
      NpyArray a = NpyArray.ofDoubles(t.shape().dims(), t.reals());
      words[in.id()] = in.real() ? FixedPoint.encode(a, in.scale(), in.name())
          : FixedPoint.encodeIntegers(a, in.name());
    }
    long[][][] outs = LocalRun.run(p, LocalRun.load(BytecodeGen.all(p)), words,
        TIMEOUT_SECONDS);
    long[][] revealed = new long[p.outputs().size()][];
    for (int k = 0; k < outs.length; k++) {
      for (int o = 0; o < outs[k].length; o++) {
        if (outs[k][o] == null) {
          continue;
        }
        if (revealed[o] != null && !Arrays.equals(revealed[o], outs[k][o])) {
          throw new AssertionError("output " + o + ": party " + k + " received other words"
              + " than an earlier receiver");
        }
        revealed[o] = outs[k][o];
      }
    }
    List<double[]> out = new ArrayList<>();
    for (int o = 0; o < revealed.length; o++) {
      OutputSpec spec = p.outputs().get(o);
      if (revealed[o] == null) {
        throw new AssertionError("output '" + spec.name() + "' reached no party");
      }
      out.add(FixedPoint.decode(revealed[o], spec.scale()));
    }
    return out;
  }
}
