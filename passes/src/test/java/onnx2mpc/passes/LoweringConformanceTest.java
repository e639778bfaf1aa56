package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each tensor op, lowered and run by 2, 3 and 4 parties (threads, real kernels, real dealer),
 * against the plaintext interpreter. Tolerance: 16 fractional bits give 1.5e-5 per rounding;
 * a few truncations per op stay below 1e-3 for values of order 1.
 */
class LoweringConformanceTest {
  private static final SecureRandom RNG = new SecureRandom();

  static Tensor random(int... dims) {
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = RNG.nextDouble() * 4 - 2;
    }
    return Tensor.reals(s, d);
  }

  record Case(String name, Function<Graph, Value> build, Map<String, Tensor> inputs) {
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
    return g.add("tensor." + op, ins, Type.fixed(out, 0, Vis.PUBLIC), Attrs.of(attrs), op + "_0");
  }

  static Stream<Case> cases() {
    Tensor x24 = random(2, 4);
    Tensor img = random(1, 2, 6, 6);
    return Stream.of(
        new Case("gemm+relu", g -> {
          Value x = input(g, "x", 2, 4);
          Value y = node(g, "gemm", List.of(x, weight(g, "w", random(3, 4)), weight(g, "b",
              random(3))), Shape.of(2, 3), "alpha", 1.0, "beta", 1.0, "transA", 0L, "transB", 1L);
          return node(g, "relu", List.of(y), Shape.of(2, 3));
        }, Map.of("x", x24)),
        new Case("matmul", g -> node(g, "matmul", List.of(input(g, "x", 2, 4),
            weight(g, "w", random(4, 5))), Shape.of(2, 5)), Map.of("x", x24)),
        new Case("conv+maxpool", g -> {
          Value c = node(g, "conv", List.of(input(g, "x", 1, 2, 6, 6), weight(g, "w",
              random(4, 1, 3, 3)), weight(g, "b", random(4))), Shape.of(1, 4, 6, 6),
              "strides", new long[] {1, 1}, "pads", new long[] {1, 1, 1, 1},
              "dilations", new long[] {1, 1}, "group", 2L);
          Value r = node(g, "relu", List.of(c), Shape.of(1, 4, 6, 6));
          return node(g, "maxpool", List.of(r), Shape.of(1, 4, 3, 3), "kernel",
              new long[] {3, 3}, "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1},
              "dilations", new long[] {1, 1}, "ceil_mode", 0L);
        }, Map.of("x", img)),
        new Case("add+sub+mul", g -> {
          Value x = input(g, "x", 2, 4);
          Value a = node(g, "add", List.of(x, weight(g, "b", random(4))), Shape.of(2, 4));
          Value s = node(g, "sub", List.of(a, weight(g, "c", random(2, 1))), Shape.of(2, 4));
          Value m = node(g, "mul", List.of(s, x), Shape.of(2, 4));
          return node(g, "mul", List.of(m, weight(g, "k", random(1, 4))), Shape.of(2, 4));
        }, Map.of("x", x24)),
        new Case("pools", g -> {
          Value x = input(g, "x", 1, 2, 6, 6);
          Value a = node(g, "averagepool", List.of(x), Shape.of(1, 2, 3, 3), "kernel",
              new long[] {3, 3}, "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1},
              "count_include_pad", 0L, "ceil_mode", 0L);
          return node(g, "globalaveragepool", List.of(a), Shape.of(1, 2, 1, 1));
        }, Map.of("x", img)),
        new Case("concat+transpose+reshape", g -> {
          Value x = input(g, "x", 2, 4);
          Value y = input(g, "y", 2, 4);
          Value c = node(g, "concat", List.of(x, y), Shape.of(2, 8), "axis", 1L);
          Value t = node(g, "transpose", List.of(c), Shape.of(8, 2), "perm", new long[] {1, 0});
          return node(g, "reshape", List.of(t), Shape.of(16), "shape", new long[] {16});
        }, Map.of("x", x24, "y", random(2, 4))));
  }

  static Stream<Arguments> casesAndParties() {
    return cases().flatMap(c -> Stream.of(2, 3, 4).map(n -> Arguments.of(c, n)));
  }

  @ParameterizedTest(name = "{0} with {1} parties")
  @MethodSource("casesAndParties")
  void matchesPlaintext(Case c, int parties) throws Exception {
    Graph g = new Graph();
    g.markOutput(c.build().apply(g));
    Map<Value, Tensor> plain = Interpreter.run(g, c.inputs());
    double[] want = plain.get(g.outputs().get(0)).reals();
    Map<String, Integer> owners = new java.util.HashMap<>();
    int k = 0;
    for (Value in : g.inputs()) {
      owners.put(in.name(), 1 + (k++ % (parties - 1)));
    }
    CompiledProgram p = Pipeline.compile(g, new CompileOptions(parties, owners, 0, 0, 16));
    InProcessRunner.Result r = InProcessRunner.run(p, c.inputs());
    double[] got = r.outputs().get(0);
    assertEquals(want.length, got.length);
    double err = 0;
    for (int i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(want[i] - got[i]));
    }
    assertTrue(err < 2e-3, c.name() + ": max abs error " + err);
  }
}
