package onnx2mpc.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx2mpc.frontend.ImportException;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.Pipeline;
import onnx2mpc.passes.lower.Lowering;
import org.junit.jupiter.api.Assumptions;

/**
 * The three ways a case runs, and the comparison of the last two with the first:
 * <ol>
 *   <li>ONNX Runtime ({@link Oracle}), the reference;
 *   <li>onnx2mpc's plaintext interpreter on the imported IR, which checks the importer's reading
 *       of ONNX (attributes, defaults, opset forms) in doubles, so it is held to float32
 *       rounding ({@link #INTERPRETER});
 *   <li>the compiled MPC program ({@link MpcRun}), held to the case's family tolerance.
 * </ol>
 * A case whose imported graph contains an op without an MPC lowering is reported as skipped
 * (a JUnit assumption naming the missing ops), never as passed.
 */
final class Conformance {
  /**
   * Interpreter (doubles) against ORT (float32): the inputs are identical float32 values, so
   * only ORT's own float32 rounding separates them, about 1e-7 relative per operation and 1e-6
   * for a short sum of products.
   */
  static final Tolerance INTERPRETER = new Tolerance("interpreter", 1e-5, 1e-5);

  private Conformance() {}

  static Graph importCase(Case c) throws ImportException {
    return OnnxImporter.convert(c.model(), c.name().replace(' ', '_') + ".onnx");
  }

  /** The distinct tensor ops of a graph that have no MPC lowering, in graph order. */
  static List<String> missingLowerings(Graph g) {
    Set<String> missing = new LinkedHashSet<>();
    for (Node n : g.nodes()) {
      if (!Lowering.supports(n.op())) {
        missing.add(n.op());
      }
    }
    return List.copyOf(missing);
  }

  static void interpreterMatchesOracle(Case c) throws Exception {
    List<Oracle.Output> want = Oracle.run(c.model(), c.inputs());
    Graph g = importCase(c);
    Map<Value, Tensor> got = Interpreter.run(g, c.inputs());
    List<double[]> values = new ArrayList<>();
    List<Value> outs = g.outputs();
    assertEquals(want.size(), outs.size(), c.name() + ": number of outputs");
    for (int k = 0; k < outs.size(); k++) {
      assertArrayEquals(want.get(k).shape(), outs.get(k).shape().longDims(),
          c.name() + ": shape of output " + k + " (ORT vs import)");
      values.add(got.get(outs.get(k)).reals());
    }
    compare(c, "interpreter", INTERPRETER, want, values);
  }

  static void mpcMatchesOracle(Case c, int parties) throws Exception {
    Graph g = importCase(c);
    List<String> missing = missingLowerings(g);
    String way = "mpc-" + parties;
    if (!missing.isEmpty()) {
      ErrorLog.skipped(missing, c.name() + " [" + way + "]");
    }
    Assumptions.assumeTrue(missing.isEmpty(),
        () -> "no MPC lowering yet for " + String.join(", ", missing) + " (in " + c.name() + ")");
    List<Oracle.Output> want = Oracle.run(c.model(), c.inputs());
    CompiledProgram p;
    try {
      p = Pipeline.compile(g, new CompileOptions(parties, c.owners(), c.weightsOwner(), 0,
          CompileOptions.DEFAULT_PRECISION));
    } catch (RuntimeException e) {
      throw new AssertionError(c.name() + " [" + way + "]: expected it to compile, but: " + e,
          e);
    }
    assertEquals(want.size(), p.outputs().size(), c.name() + ": number of outputs");
    for (int k = 0; k < want.size(); k++) {
      assertArrayEquals(want.get(k).shape(), p.outputs().get(k).shape().longDims(),
          c.name() + ": shape of output " + k + " (ORT vs compiled)");
    }
    List<double[]> got;
    try {
      got = MpcRun.run(p, c.inputs());
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new AssertionError(c.name() + " [" + way + "]: expected it to run, but: " + cause,
          e);
    }
    compare(c, way, c.tol(), want, got);
  }

  /**
   * Records the errors under the case's family, then fails on the worst element beyond the
   * tolerance, naming the case, the way, the element, and both values.
   */
  static void compare(Case c, String way, Tolerance tol, List<Oracle.Output> want,
      List<double[]> got) {
    for (int k = 0; k < want.size(); k++) {
      double[] w = want.get(k).values();
      double[] v = got.get(k);
      assertEquals(w.length, v.length, c.name() + " " + way + ": elements of output " + k);
      int worst = -1;
      double worstExcess = 0;
      for (int i = 0; i < w.length; i++) {
        ErrorLog.record(c.name(), tol.family(), way, v[i], w[i], tol);
        double excess = Math.abs(v[i] - w[i]) - (tol.abs() + tol.rel() * Math.abs(w[i]));
        if (!(excess <= worstExcess)) { // also catches NaN
          worst = i;
          worstExcess = excess;
        }
      }
      if (worst >= 0) {
        throw new AssertionError(c.name() + " [" + way + "]: output " + k + " element " + worst
            + ": expected " + w[worst] + " (ORT) within " + tol + ", but found " + v[worst]
            + " (error " + Math.abs(v[worst] - w[worst]) + ")");
      }
    }
  }
}
