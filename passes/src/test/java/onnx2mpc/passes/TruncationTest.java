package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.Plan.LayerPlan;
import org.junit.jupiter.api.Test;

/**
 * Two-party truncation, local (SecureML) against exact (through the dealer), on products large
 * enough that the local one visibly fails: x y up to 2^26 is 2^58 ring units at scale 32, so a
 * local truncation is wrong by about 2^48 ulps for roughly one element in a hundred.
 */
class TruncationTest {
  private static final int N = 4000;

  /** Integers of magnitude 2^12 to 2^13 with random signs, exact in fixed point. */
  private static Tensor large(long seed) {
    Random r = new Random(seed);
    double[] d = new double[N];
    for (int i = 0; i < N; i++) {
      d[i] = (r.nextBoolean() ? 1 : -1) * (4096 + r.nextInt(4096));
    }
    return Tensor.reals(Shape.of(1, N), d);
  }

  private static CompiledProgram product(boolean exact) {
    Graph g = new Graph();
    Value x = ExactOpsTest.input(g, "x", 1, N);
    Value y = ExactOpsTest.input(g, "y", 1, N);
    g.markOutput(ExactOpsTest.node(g, "mul", List.of(x, y), Shape.of(1, N)));
    return Pipeline.compile(g, new CompileOptions(2, Map.of("x", 1, "y", 0), 0, 0, 16, exact));
  }

  /** Elements of x y that the run got wrong by more than one. */
  private static int wrong(CompiledProgram p, Tensor x, Tensor y) throws Exception {
    double[] got = InProcessRunner.run(p, Map.of("x", x, "y", y)).outputs().get(0);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
      if (Math.abs(got[i] - x.reals()[i] * y.reals()[i]) > 1) {
        wrong++;
      }
    }
    return wrong;
  }

  @Test
  void exactTruncationGetsEveryLargeProductRightWhereLocalFailsSome() throws Exception {
    Tensor x = large(31);
    Tensor y = large(32);
    assertEquals(0, wrong(product(true), x, y), "exact truncation");
    // About 40 expected (|x y| / 2^64 per element, summed); none at all has probability
    // below e^-20.
    int local = wrong(product(false), x, y);
    assertTrue(local > 0, "local truncation was expected to fail on some of " + N
        + " products near 2^58 ring units, but got all right");
  }

  @Test
  void exactTruncationCostsTheProductOneRoundAndOneOpening() {
    LayerPlan local = layer(product(false));
    LayerPlan exact = layer(product(true));
    assertEquals(1, local.rounds());
    assertEquals(2, exact.rounds());
    assertEquals(local.bytesSent()[0] + 8L * N, exact.bytesSent()[0]);
    assertTrue(exact.correlations().contains("trunc"), exact.correlations());
    assertTrue(!local.correlations().contains("trunc"), local.correlations());
  }

  /**
   * relu(x y) for 2 and 3 parties: the relu opens x y untruncated, with no extra round and no
   * extra byte.
   */
  @Test
  void aReluOfAnExactTruncationOpensTheProductOnceAndAddsNoRound() throws Exception {
    Tensor x = ExactOpsTest.random(41, 1, N);
    Tensor y = ExactOpsTest.random(42, 1, N);
    assertFusedAsCheapAsLocal(false, Map.of("x", x, "y", y),
        i -> Math.max(0, x.reals()[i] * y.reals()[i]));
  }

  /** relu(x y + z), a residual block's shape: the sum is truncated once, inside the relu. */
  @Test
  void aReluOfASumWithATruncatedProductAddsNoRound() throws Exception {
    Tensor x = ExactOpsTest.random(51, 1, N);
    Tensor y = ExactOpsTest.random(52, 1, N);
    Tensor z = ExactOpsTest.random(53, 1, N);
    assertFusedAsCheapAsLocal(true, Map.of("x", x, "y", y, "z", z),
        i -> Math.max(0, x.reals()[i] * y.reals()[i] + z.reals()[i]));
  }

  /**
   * With exact truncation the relu (of x y, or of x y + z) takes the rounds and bytes of local
   * truncation's, and is right within 3 ulps. With 3 parties both truncate through the dealer
   * and both are fused.
   */
  private static void assertFusedAsCheapAsLocal(boolean withSum, Map<String, Tensor> inputs,
      IntToDoubleFunction want) throws Exception {
    for (int parties : new int[] {2, 3}) {
      CompiledProgram local = relu(withSum, parties, false);
      CompiledProgram exact = relu(withSum, parties, true);
      assertEquals(local.plan().rounds(), exact.plan().rounds(), parties + " parties");
      assertArrayEquals(local.plan().bytesSent(), exact.plan().bytesSent(), parties
          + " parties");
      double[] got = InProcessRunner.run(exact, inputs).outputs().get(0);
      for (int i = 0; i < N; i++) {
        assertEquals(want.applyAsDouble(i), got[i], 3 * 0x1p-16, parties + " parties, element "
            + i);
      }
    }
  }

  /** relu(x y), or relu(x y + z), x and z of party 1 and y of party 0. */
  private static CompiledProgram relu(boolean withSum, int parties, boolean exact) {
    Graph g = new Graph();
    Value x = ExactOpsTest.input(g, "x", 1, N);
    Value y = ExactOpsTest.input(g, "y", 1, N);
    Value v = ExactOpsTest.node(g, "mul", List.of(x, y), Shape.of(1, N));
    if (withSum) {
      v = ExactOpsTest.node(g, "add", List.of(v, ExactOpsTest.input(g, "z", 1, N)),
          Shape.of(1, N));
    }
    g.markOutput(ExactOpsTest.node(g, "relu", List.of(v), Shape.of(1, N)));
    return Pipeline.compile(g, new CompileOptions(parties, Map.of("x", 1, "y", 0, "z", 1), 0,
        0, 16, exact));
  }

  private static LayerPlan layer(CompiledProgram p) {
    return p.plan().layers().stream().filter(l -> l.opType().equals("mul")).findFirst()
        .orElseThrow();
  }
}
