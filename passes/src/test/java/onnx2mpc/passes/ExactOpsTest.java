package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.Plan.LayerPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact ops of LowerExact (comparisons, max/min, clip, where, argmax, reductions, data
 * movement, transposed convolution), lowered and run by 2, 3 and 4 parties in one process, with
 * the weights private to party 0 and with public weights, against the plaintext interpreter.
 * Tolerance: comparisons and indices must match exactly; selections a few ulp (2^-16 each);
 * products by non-integer constants and powers 2e-3.
 */
class ExactOpsTest {
  private static final double ULPS = 4 * 0x1p-16;
  private static final double PRODUCTS = 2e-3;
  private static final double EXACT = 1e-9;

  /** Uniform in [-2, 2), rounded to 8 fractional bits so that ties can be made exactly. */
  static Tensor random(long seed, int... dims) {
    Random r = new Random(seed);
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.rint((r.nextDouble() * 4 - 2) * 256) / 256;
    }
    return Tensor.reals(s, d);
  }

  static Tensor reals(int[] dims, double... v) {
    return Tensor.reals(Shape.of(dims), v);
  }

  /** A copy of t with every other element replaced by u's, so that the two tie there. */
  static Tensor tiesWith(Tensor t, Tensor u) {
    double[] d = t.reals().clone();
    for (int i = 0; i < d.length; i += 2) {
      d[i] = u.reals()[i];
    }
    return Tensor.reals(t.shape(), d);
  }

  record Case(String name, Function<Graph, List<Value>> build, Map<String, Tensor> inputs,
      double tolerance) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Value input(Graph g, String name, int... dims) {
    return g.addInput(name, Type.fixed(Shape.of(dims), 0, Vis.PUBLIC));
  }

  static Value weight(Graph g, String name, Tensor t) {
    return g.addConstant(name, t, Type.fixed(t.shape(), 0, Vis.PUBLIC));
  }

  static Value node(Graph g, String op, List<Value> ins, Shape out, Object... attrs) {
    return g.add("tensor." + op, ins, Type.fixed(out, 0, Vis.PUBLIC), Attrs.of(attrs),
        op + "_0");
  }

  static Case one(String name, Function<Graph, Value> build, Map<String, Tensor> inputs,
      double tol) {
    return new Case(name, g -> List.of(build.apply(g)), inputs, tol);
  }

  static long[] ls(long... v) {
    return v;
  }

  static Stream<Case> cases() {
    Tensor x = random(1, 3, 5);
    Tensor y = tiesWith(random(2, 3, 5), x);
    Tensor z = random(3, 1, 5);
    Tensor withZeros = reals(new int[] {2, 4}, -1.5, 0, 0.25, -0.0039, 0, 2, -2, 0.5);
    Tensor wide = reals(new int[] {2, 5}, -8, -6, -0.5, 0, 3, 5.99, 6, 6.5, 7.25, 100);
    Tensor img = random(4, 1, 2, 3, 3);
    Tensor vec = random(5, 2, 3, 4);
    Shape s35 = Shape.of(3, 5);
    return Stream.of(
        one("abs", g -> node(g, "abs", List.of(input(g, "x", 2, 4)), Shape.of(2, 4)),
            Map.of("x", withZeros), ULPS),
        one("sign", g -> node(g, "sign", List.of(input(g, "x", 2, 4)), Shape.of(2, 4)),
            Map.of("x", withZeros), EXACT),
        one("leaky_relu", g -> node(g, "leaky_relu", List.of(input(g, "x", 3, 5)), s35,
            "alpha", 0.1), Map.of("x", x), ULPS),
        one("leaky_relu alpha 1.5", g -> node(g, "leaky_relu", List.of(input(g, "x", 3, 5)), s35,
            "alpha", 1.5), Map.of("x", x), ULPS),
        one("clip relu6", g -> node(g, "clip", List.of(input(g, "x", 2, 5)), Shape.of(2, 5),
            "min", 0.0, "max", 6.0), Map.of("x", wide), ULPS),
        one("clip max only", g -> node(g, "clip", List.of(input(g, "x", 2, 5)), Shape.of(2, 5),
            "min", Double.NEGATIVE_INFINITY, "max", 0.75), Map.of("x", wide), ULPS),
        one("clip min only", g -> node(g, "clip", List.of(input(g, "x", 2, 5)), Shape.of(2, 5),
            "min", -0.5, "max", Double.POSITIVE_INFINITY), Map.of("x", wide), ULPS),
        one("clip min > max", g -> node(g, "clip", List.of(input(g, "x", 2, 5)), Shape.of(2, 5),
            "min", 1.0, "max", -1.0), Map.of("x", wide), ULPS),
        one("max ties broadcast const", g -> node(g, "max", List.of(input(g, "x", 3, 5),
            input(g, "y", 3, 5), input(g, "z", 1, 5), weight(g, "w", random(6, 5)),
            weight(g, "k", Tensor.scalar(0.5))), s35),
            Map.of("x", x, "y", y, "z", z), ULPS),
        one("min ties broadcast", g -> node(g, "min", List.of(input(g, "x", 3, 5),
            input(g, "y", 3, 5), input(g, "z", 1, 5)), s35), Map.of("x", x, "y", y, "z", z),
            ULPS),
        one("max single", g -> node(g, "max", List.of(input(g, "x", 3, 5)), s35),
            Map.of("x", x), EXACT),
        one("greater ties", g -> node(g, "greater", List.of(input(g, "x", 3, 5),
            input(g, "y", 3, 5)), s35), Map.of("x", x, "y", y), EXACT),
        one("less broadcast const", g -> node(g, "less", List.of(input(g, "x", 3, 5),
            weight(g, "w", random(7, 5))), s35), Map.of("x", x), EXACT),
        one("greater public scalar left", g -> node(g, "greater", List.of(
            weight(g, "k", Tensor.scalar(0.25)), input(g, "x", 3, 5)), s35), Map.of("x", x),
            EXACT),
        one("equal ties", g -> node(g, "equal", List.of(input(g, "x", 3, 5),
            input(g, "y", 3, 5)), s35), Map.of("x", x, "y", y), EXACT),
        one("equal const", g -> node(g, "equal", List.of(input(g, "x", 2, 4),
            weight(g, "w", reals(new int[] {4}, 0, 0, 0.25, 1))), Shape.of(2, 4)),
            Map.of("x", withZeros), EXACT),
        one("where secret condition", g -> {
          Value a = input(g, "x", 3, 5);
          Value b = input(g, "y", 3, 5);
          Value c = node(g, "greater", List.of(a, b), s35);
          return node(g, "where", List.of(c, a, weight(g, "w", random(8, 1, 5))), s35);
        }, Map.of("x", x, "y", y), ULPS),
        one("where public condition", g -> node(g, "where", List.of(
            weight(g, "c", Tensor.ints(Shape.of(3, 1), new long[] {1, 0, 1})),
            input(g, "x", 3, 5), input(g, "y", 3, 5)), s35), Map.of("x", x, "y", y), ULPS),
        one("where constant branches", g -> {
          Value c = node(g, "less", List.of(input(g, "x", 3, 5), input(g, "y", 3, 5)), s35);
          return node(g, "where", List.of(c, weight(g, "a", random(9, 5)),
              weight(g, "b", random(10, 3, 5))), s35);
        }, Map.of("x", x, "y", y), ULPS),
        one("argmax axis 1 ties", g -> node(g, "argmax", List.of(input(g, "x", 3, 5)),
            Shape.of(3, 1), "axis", 1L, "keepdims", 1L),
            Map.of("x", reals(new int[] {3, 5}, 1, 3, 3, 0, 2, -1, -1, -1, -1, -1,
                0.5, -2, 0.75, 0.75, 0.25)), EXACT),
        one("argmax axis 0", g -> node(g, "argmax", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(3, 4), "axis", 0L, "keepdims", 0L), Map.of("x", vec), EXACT),
        one("argmax axis 1 of 3-d", g -> node(g, "argmax", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(2, 4), "axis", 1L, "keepdims", 0L), Map.of("x", vec), EXACT),
        one("argmax length 1", g -> node(g, "argmax", List.of(input(g, "x", 3, 1)),
            Shape.of(3), "axis", 1L, "keepdims", 0L), Map.of("x", random(11, 3, 1)), EXACT),
        one("sum", g -> node(g, "sum", List.of(input(g, "x", 3, 5), input(g, "z", 1, 5),
            weight(g, "w", random(12, 3, 1)), weight(g, "k", Tensor.scalar(1.5))), s35),
            Map.of("x", x, "z", z), ULPS),
        one("div scalar", g -> node(g, "div", List.of(input(g, "x", 3, 5),
            weight(g, "k", Tensor.scalar(255.0))), s35), Map.of("x", x), 1e-4),
        one("div tensor", g -> node(g, "div", List.of(input(g, "x", 3, 5),
            weight(g, "k", reals(new int[] {5}, 3, -0.5, 7, 1000, 0.01))), s35),
            Map.of("x", x), PRODUCTS),
        one("mul x*x (square pair)", g -> {
          Value v = input(g, "x", 3, 5);
          return node(g, "mul", List.of(v, v), s35);
        }, Map.of("x", x), PRODUCTS),
        one("mul x*y", g -> node(g, "mul", List.of(input(g, "x", 3, 5), input(g, "z", 1, 5)),
            s35), Map.of("x", x, "z", z), PRODUCTS),
        one("pow 2", g -> node(g, "pow", List.of(input(g, "x", 3, 5),
            weight(g, "e", Tensor.scalar(2.0))), s35), Map.of("x", x), PRODUCTS),
        one("pow 3", g -> node(g, "pow", List.of(input(g, "x", 3, 5),
            weight(g, "e", Tensor.scalar(3.0))), s35), Map.of("x", x), PRODUCTS),
        one("pow 5", g -> node(g, "pow", List.of(input(g, "x", 3, 5),
            weight(g, "e", Tensor.ints(Shape.SCALAR, new long[] {5}))), s35), Map.of("x", x),
            1e-2),
        one("pow 0", g -> node(g, "pow", List.of(input(g, "x", 3, 5),
            weight(g, "e", Tensor.scalar(0.0))), s35), Map.of("x", x), EXACT),
        one("reduce_sum axes 0,2", g -> node(g, "reduce_sum", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(3), "axes", ls(0, 2), "keepdims", 0L), Map.of("x", vec), ULPS),
        one("reduce_sum axes 1,2 keepdims", g -> node(g, "reduce_sum",
            List.of(input(g, "x", 2, 3, 4)), Shape.of(2, 1, 1), "axes", ls(1, 2), "keepdims",
            1L), Map.of("x", vec), ULPS),
        one("reduce_mean axes 2,3", g -> node(g, "reduce_mean", List.of(input(g, "x", 1, 2, 3, 3)),
            Shape.of(1, 2, 1, 1), "axes", ls(2, 3), "keepdims", 1L), Map.of("x", img), 1e-4),
        one("reduce_mean all", g -> node(g, "reduce_mean", List.of(input(g, "x", 2, 3, 4)),
            Shape.SCALAR, "axes", ls(0, 1, 2), "keepdims", 0L), Map.of("x", vec), 1e-4),
        new Case("split", g -> {
          Value v = input(g, "x", 2, 3, 4);
          return g.addNode("tensor.split", List.of(v), List.of(
              Type.fixed(Shape.of(2, 1, 4), 0, Vis.PUBLIC),
              Type.fixed(Shape.of(2, 2, 4), 0, Vis.PUBLIC)), Attrs.of("axis", 1L, "split",
              ls(1, 2)), "split_0").outputs();
        }, Map.of("x", vec), EXACT),
        one("gather runs", g -> node(g, "gather", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(2, 7, 4), "axis", 1L, "indices",
            Tensor.ints(Shape.of(7), new long[] {2, 0, 1, 1, 1, 2, 0})), Map.of("x", vec),
            EXACT),
        one("gather scalar", g -> node(g, "gather", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(2, 3), "axis", 2L, "indices", Tensor.ints(Shape.SCALAR, new long[] {3})),
            Map.of("x", vec), EXACT),
        one("gather 2-d indices", g -> node(g, "gather", List.of(input(g, "x", 2, 3, 4)),
            Shape.of(2, 2, 3, 4), "axis", 0L, "indices",
            Tensor.ints(Shape.of(2, 2), new long[] {1, 0, 0, 1})), Map.of("x", vec), EXACT),
        one("gather weights", g -> {
          Value w = node(g, "gather", List.of(weight(g, "table", random(13, 4, 5))),
              Shape.of(2, 5), "axis", 0L, "indices", Tensor.ints(Shape.of(2), new long[] {3, 1}));
          return node(g, "add", List.of(input(g, "y", 2, 5), w), Shape.of(2, 5));
        }, Map.of("y", random(14, 2, 5)), ULPS),
        one("expand", g -> node(g, "expand", List.of(input(g, "x", 3, 1)), Shape.of(2, 3, 4),
            "shape", ls(2, 3, 4)), Map.of("x", random(15, 3, 1)), EXACT),
        one("conv_transpose stride 2", g -> convT(g, input(g, "x", 1, 2, 3, 3),
            weight(g, "w", random(16, 2, 3, 3, 3)), weight(g, "b", random(17, 3)),
            Shape.of(1, 3, 6, 6), ls(2, 2), ls(1, 1, 1, 1), ls(1, 1), 1, ls(1, 1)),
            Map.of("x", img), PRODUCTS),
        one("conv_transpose groups dilation", g -> convT(g, input(g, "x", 1, 2, 3, 3),
            weight(g, "w", random(18, 2, 2, 2, 3)), null, Shape.of(1, 4, 5, 8), ls(1, 2),
            ls(0, 1, 0, 0), ls(2, 2), 2, ls(0, 0)), Map.of("x", img), PRODUCTS),
        one("conv_transpose depthwise cropped", g -> convT(g, input(g, "x", 1, 2, 3, 3),
            weight(g, "w", random(19, 2, 1, 2, 2)), weight(g, "b", random(20, 2)),
            Shape.of(1, 2, 3, 4), ls(2, 2), ls(2, 1, 1, 1), ls(1, 1), 2, ls(0, 0)),
            Map.of("x", img), PRODUCTS),
        one("conv_transpose 1-d", g -> convT(g, input(g, "x", 1, 2, 5),
            weight(g, "w", random(21, 2, 3, 4)), weight(g, "b", random(22, 3)),
            Shape.of(1, 3, 11), ls(2), ls(1, 1), ls(1), 1, ls(1)),
            Map.of("x", random(23, 1, 2, 5)), PRODUCTS),
        one("conv_transpose secret weights", g -> convT(g, input(g, "x", 1, 2, 3, 3),
            input(g, "w", 2, 2, 2, 3), input(g, "b", 4), Shape.of(1, 4, 6, 8), ls(2, 3),
            ls(1, 1, 0, 0), ls(1, 1), 2, ls(1, 0)),
            Map.of("x", img, "w", random(24, 2, 2, 2, 3), "b", random(25, 4)), PRODUCTS));
  }

  static Value convT(Graph g, Value x, Value w, Value bias, Shape out, long[] strides,
      long[] pads, long[] dil, int group, long[] outPad) {
    List<Value> ins = new ArrayList<>(List.of(x, w));
    if (bias != null) {
      ins.add(bias);
    }
    return node(g, "conv_transpose", ins, out, "strides", strides, "pads", pads, "dilations",
        dil, "group", (long) group, "output_padding", outPad);
  }

  static Stream<Arguments> casesAndParties() {
    return cases().flatMap(c -> Stream.of(2, 3, 4).flatMap(n -> Stream.of(0, -1)
        .map(w -> Arguments.of(c, n, w))));
  }

  @ParameterizedTest(name = "{0} with {1} parties, weights owner {2}")
  @MethodSource("casesAndParties")
  void matchesPlaintext(Case c, int parties, int weightsOwner) throws Exception {
    Graph g = new Graph();
    for (Value out : c.build().apply(g)) {
      g.markOutput(out);
    }
    Map<Value, Tensor> plain = Interpreter.run(g, c.inputs());
    Map<String, Integer> owners = new HashMap<>();
    int k = 0;
    for (Value in : g.inputs()) {
      owners.put(in.name(), 1 + (k++ % (parties - 1)));
    }
    CompiledProgram p = Pipeline.compile(g, new CompileOptions(parties, owners, weightsOwner,
        0, 16));
    InProcessRunner.Result r = InProcessRunner.run(p, c.inputs());
    StringBuilder rounds = new StringBuilder();
    for (LayerPlan lp : p.plan().layers()) {
      if (lp.rounds() > 0 && !lp.name().equals("output")) {
        rounds.append(' ').append(lp.name()).append('=').append(lp.rounds());
      }
    }
    System.out.println("ROUNDS " + c.name() + " parties=" + parties + " weights="
        + weightsOwner + " total=" + p.plan().rounds() + rounds);
    for (int o = 0; o < g.outputs().size(); o++) {
      double[] want = plain.get(g.outputs().get(o)).reals();
      double[] got = r.outputs().get(o);
      assertEquals(want.length, got.length);
      double err = 0;
      for (int i = 0; i < want.length; i++) {
        err = Math.max(err, Math.abs(want[i] - got[i]));
      }
      assertTrue(err <= c.tolerance(), c.name() + " output " + o + ": max abs error " + err
          + " > " + c.tolerance() + "\nwant " + java.util.Arrays.toString(want) + "\ngot  "
          + java.util.Arrays.toString(got));
    }
  }

  /**
   * What a relu costs under the masked comparison, from the plan, for any number of parties:
   * 4 rounds; per element and party, the 8-byte opening, 20 bit rows of AND openings (14 + 5
   * over the two levels, 1 for the final bit), i.e. 10.5 bytes for 2 parties; the dealer at
   * most 40 bytes. And the values match plaintext exactly.
   */
  @Test
  void reluCostsOneMaskedOpeningAndThreeBitRounds() throws Exception {
    int n = 6400;
    Tensor x = random(5, 1, n);
    for (int parties = 2; parties <= 3; parties++) {
      Graph g = new Graph();
      g.markOutput(node(g, "relu", List.of(input(g, "x", 1, n)), Shape.of(1, n)));
      CompiledProgram p = Pipeline.compile(g, new CompileOptions(parties, Map.of("x", 1), 0, 0,
          16));
      LayerPlan relu = p.plan().layers().stream().filter(l -> l.opType().equals("relu"))
          .findFirst().orElseThrow();
      assertEquals(4, relu.rounds(), parties + " parties");
      long perPeer = 8L * n + 20L * 8 * (n / 64);
      assertEquals(perPeer * (parties - 1), relu.bytesSent()[1], parties + " parties");
      assertTrue(relu.dealerBytes() <= 40L * n, "dealer bytes " + relu.dealerBytes());
      double[] got = InProcessRunner.run(p, Map.of("x", x)).outputs().get(0);
      for (int i = 0; i < n; i++) {
        assertEquals(Math.max(0, x.reals()[i]), got[i], EXACT, "element " + i);
      }
    }
  }

  /**
   * x * x takes a square pair: one masked opening per element and party (a triple opens two),
   * one correction word per element from the dealer, and the same single round.
   */
  @Test
  void aSquareOpensOneMaskedValueAndATripleTwo() throws Exception {
    int n = 5000;
    for (boolean same : new boolean[] {true, false}) {
      Graph g = new Graph();
      Value x = input(g, "x", 1, n);
      Value y = same ? x : input(g, "y", 1, n);
      g.markOutput(node(g, "mul", List.of(x, y), Shape.of(1, n)));
      CompiledProgram p = Pipeline.compile(g, new CompileOptions(2, Map.of("x", 1, "y", 1), 0,
          0, 16));
      LayerPlan mul = p.plan().layers().stream().filter(l -> l.opType().equals("mul"))
          .findFirst().orElseThrow();
      assertEquals(1, mul.rounds());
      assertEquals((same ? 8L : 16L) * n, mul.bytesSent()[0], same ? "square" : "triple");
      assertEquals((same ? 8L : 16L) * n, mul.bytesSent()[1], same ? "square" : "triple");
      assertEquals(8L * n, mul.dealerBytes());
      assertEquals(same ? "square x1" : "triple.mul x1", mul.correlations());
      Tensor xv = random(21, 1, n);
      Tensor yv = random(22, 1, n);
      double[] got = InProcessRunner.run(p, same ? Map.of("x", xv) : Map.of("x", xv, "y", yv))
          .outputs().get(0);
      for (int i = 0; i < n; i++) {
        double want = xv.reals()[i] * (same ? xv : yv).reals()[i];
        assertEquals(want, got[i], PRODUCTS, "element " + i);
      }
    }
  }

  @Test
  void rejectsDivisionByZeroAndOutOfRangeIndices() {
    Graph g = new Graph();
    g.markOutput(node(g, "div", List.of(input(g, "x", 2), weight(g, "k",
        reals(new int[] {2}, 1, 0))), Shape.of(2)));
    IrException e = assertThrows(IrException.class, () -> Pipeline.compile(g,
        new CompileOptions(2, Map.of(), 0, 0, 16)));
    assertTrue(e.getMessage().contains("expected a non-zero divisor, but element 1 is 0"),
        e.getMessage());
    Graph h = new Graph();
    h.markOutput(node(h, "gather", List.of(input(h, "x", 3)), Shape.of(1), "axis", 0L,
        "indices", Tensor.ints(Shape.of(1), new long[] {3})));
    e = assertThrows(IrException.class, () -> Pipeline.compile(h,
        new CompileOptions(2, Map.of(), 0, 0, 16)));
    assertTrue(e.getMessage().contains("expected gather indices in [0, 3), but found 3"),
        e.getMessage());
  }
}
