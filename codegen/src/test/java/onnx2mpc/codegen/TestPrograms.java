package onnx2mpc.codegen;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.CompiledProgram.Call;
import onnx2mpc.passes.CompiledProgram.ConstSpec;
import onnx2mpc.passes.CompiledProgram.Exchange;
import onnx2mpc.passes.CompiledProgram.InputSpec;
import onnx2mpc.passes.CompiledProgram.OutputSpec;
import onnx2mpc.passes.CompiledProgram.Step;
import onnx2mpc.passes.Plan;

/**
 * Hand-built compiled programs, standing in for the pass pipeline: each node gets its own slot,
 * args come from {@link MpcOps#encodeArgs}, so the layouts are the real ones.
 */
public final class TestPrograms {
  public static final int F = 16;
  public static final double[] X = {1.5, -2.25, 0.125, 3.0};
  public static final double[] W = {0.5, 4.0, -1.75, -0.375};

  private final Graph g = new Graph();
  private final Map<Value, Integer> slots = new IdentityHashMap<>();
  private final List<Step> offline = new ArrayList<>();
  private final List<Step> online = new ArrayList<>();
  private final List<String> layers = new ArrayList<>();
  private int layer = -1;

  private TestPrograms() {}

  public static long encode(double v, int scale) {
    return Math.round(v * (1L << scale));
  }

  public static long[] encode(double[] v, int scale) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = encode(v[i], scale);
    }
    return out;
  }

  private void layer(String name) {
    if (!layers.contains(name)) {
      layers.add(name);
    }
    layer = layers.indexOf(name);
  }

  private Node node(List<Step> into, String op, List<Value> ins, List<Type> outs, Attrs attrs,
      int... frees) {
    Node n = g.addNode(op, ins, outs, attrs, layers.get(layer));
    for (Value v : n.outputs()) {
      slots.put(v, slots.size());
    }
    int[] args = MpcOps.encodeArgs(n, slots::get);
    into.add(new Call(n, MpcOps.get(op).kernel(), args, layer, frees));
    return n;
  }

  private Value one(List<Step> into, String op, Type out, Attrs attrs, Value... ins) {
    return node(into, op, List.of(ins), List.of(out), attrs).output();
  }

  private int slot(Value v) {
    return slots.get(v);
  }

  /**
   * Exact arithmetic: x (party 1's input, 16 bits) times w (party 0's private weights, 16 bits)
   * by a Beaver product, revealed at scale 32 to party 1 only; no truncation, so every correct
   * run reveals the same bits.
   */
  public static CompiledProgram beaver(int parties) {
    TestPrograms t = new TestPrograms();
    Shape s = Shape.of(4);
    t.layer("W_const");
    Value w = t.one(t.offline, "mpc.const", Type.fixed(s, F, Vis.privateTo(0)),
        Attrs.of("id", 0));
    t.layer("Mul_0");
    Node triple = t.node(t.offline, "mpc.dealer.triple",
        List.of(), List.of(Type.fixed(s, F, Vis.ARITH), Type.fixed(s, F, Vis.ARITH),
            Type.fixed(s, 2 * F, Vis.ARITH)),
        Attrs.of("corr", 0, "kind", 0, "dims", new int[] {4}));
    Value a = triple.outputs().get(0);
    Value b = triple.outputs().get(1);
    Value c = triple.outputs().get(2);
    t.layer("input");
    Value x = t.one(t.online, "mpc.input", Type.fixed(s, F, Vis.privateTo(1)),
        Attrs.of("id", 0));
    Value xs = t.one(t.online, "mpc.share", Type.fixed(s, F, Vis.ARITH),
        Attrs.of("owner", 1, "nonce", 0, "n", 4), x);
    t.layer("Mul_0");
    Value ws = t.one(t.online, "mpc.share", Type.fixed(s, F, Vis.ARITH),
        Attrs.of("owner", 0, "nonce", 1, "n", 4), w);
    Value e = t.one(t.online, "mpc.sub_aa", Type.fixed(s, F, Vis.ARITH), Attrs.NONE, xs, a);
    Value d = t.one(t.online, "mpc.sub_aa", Type.fixed(s, F, Vis.ARITH), Attrs.NONE, ws, b);
    Value eo = t.one(t.online, "mpc.open", Type.fixed(s, F, Vis.PUBLIC), Attrs.NONE, e);
    Value dO = t.one(t.online, "mpc.open", Type.fixed(s, F, Vis.PUBLIC), Attrs.NONE, d);
    t.online.add(new Exchange(1, t.layer));
    Value z = t.one(t.online, "mpc.beaver_mul", Type.fixed(s, 2 * F, Vis.ARITH), Attrs.NONE,
        eo, dO, a, b, c);
    // Free what is dead after the product, as plan-memory would.
    Call last = (Call) t.online.remove(t.online.size() - 1);
    t.online.add(new Call(last.node(), last.kernel(), last.args(), last.layer(),
        new int[] {t.slot(eo), t.slot(dO), t.slot(a), t.slot(b), t.slot(c)}));
    t.layer("output");
    Value y = t.one(t.online, "mpc.reveal", Type.fixed(s, 2 * F, Vis.privateTo(1)),
        Attrs.of("to", 2), z);
    t.online.add(new Exchange(2, t.layer));
    return t.finish(parties, List.of(new InputSpec(0, "x", 1, s, F, true)),
        List.of(new ConstSpec(0, "W", 0, s, encode(W, F))),
        List.of(new OutputSpec("y", s, 2 * F, t.slot(y), 2)));
  }

  /**
   * The brief's example: party 1's input times a public constant, truncated locally (2
   * parties only), revealed to everyone.
   */
  public static CompiledProgram truncated() {
    TestPrograms t = new TestPrograms();
    Shape s = Shape.of(4);
    t.layer("W_const");
    Value w = t.one(t.offline, "mpc.const", Type.fixed(s, F, Vis.PUBLIC), Attrs.of("id", 0));
    t.layer("input");
    Value x = t.one(t.online, "mpc.input", Type.fixed(s, F, Vis.privateTo(1)),
        Attrs.of("id", 0));
    Value xs = t.one(t.online, "mpc.share", Type.fixed(s, F, Vis.ARITH),
        Attrs.of("owner", 1, "nonce", 0, "n", 4), x);
    t.layer("Mul_0");
    Value m = t.one(t.online, "mpc.mul_ap", Type.fixed(s, 2 * F, Vis.ARITH), Attrs.NONE, xs, w);
    Value tr = t.one(t.online, "mpc.trunc_local", Type.fixed(s, F, Vis.ARITH),
        Attrs.of("f", F), m);
    t.layer("output");
    Value y = t.one(t.online, "mpc.reveal", Type.fixed(s, F, Vis.PUBLIC), Attrs.of("to", 3), tr);
    t.online.add(new Exchange(1, t.layer));
    return t.finish(2, List.of(new InputSpec(0, "x", 1, s, F, true)),
        List.of(new ConstSpec(0, "W", -1, s, encode(W, F))),
        List.of(new OutputSpec("y", s, F, t.slot(y), 3)));
  }

  /** {@code calls} local additions in many layers: enough code to need many methods. */
  public static CompiledProgram large(int calls) {
    TestPrograms t = new TestPrograms();
    Shape s = Shape.of(4);
    t.layer("input");
    Value x = t.one(t.online, "mpc.input", Type.fixed(s, F, Vis.privateTo(1)),
        Attrs.of("id", 0));
    Value acc = t.one(t.online, "mpc.share", Type.fixed(s, F, Vis.ARITH),
        Attrs.of("owner", 1, "nonce", 0, "n", 4), x);
    for (int i = 0; i < calls; i++) {
      if (i % 7 == 0) {
        t.layer("Add_" + i);
      }
      Value next = t.one(t.online, "mpc.add_const", Type.fixed(s, F, Vis.ARITH),
          Attrs.of("c", 100_000L * i + 1), acc);
      Call last = (Call) t.online.remove(t.online.size() - 1);
      t.online.add(new Call(last.node(), last.kernel(), last.args(), last.layer(),
          new int[] {t.slot(acc)}));
      acc = next;
    }
    t.layer("output");
    Value y = t.one(t.online, "mpc.reveal", Type.fixed(s, F, Vis.PUBLIC), Attrs.of("to", 3),
        acc);
    t.online.add(new Exchange(1, t.layer));
    return t.finish(2, List.of(new InputSpec(0, "x", 1, s, F, true)), List.of(),
        List.of(new OutputSpec("y", s, F, t.slot(y), 3)));
  }

  private CompiledProgram finish(int parties, List<InputSpec> inputs, List<ConstSpec> consts,
      List<OutputSpec> outputs) {
    List<Plan.LayerPlan> lp = new ArrayList<>();
    long[] total = new long[parties];
    int rounds = (int) online.stream().filter(s -> s instanceof Exchange).count();
    for (String name : layers) {
      long[] sent = new long[parties];
      for (int k = 0; k < parties; k++) {
        sent[k] = 64L * (k + 1);
        total[k] += sent[k];
      }
      lp.add(new Plan.LayerPlan(name, name.replaceAll("_.*", ""), 1, sent, 96,
          "triple.mul x1"));
    }
    Plan plan = new Plan(lp, rounds, total, 96L * layers.size(), 0, new long[parties],
        new long[parties]);
    return new CompiledProgram(g, parties, F, offline, online, slots.size(), inputs, outputs,
        consts, layers, plan, "0123456789abcdef");
  }
}
