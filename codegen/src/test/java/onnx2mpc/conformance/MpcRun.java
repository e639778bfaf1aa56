package onnx2mpc.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.codegen.BytecodeGen;
import onnx2mpc.codegen.PartyCode;
import onnx2mpc.ir.Tensor;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.CompiledProgram.InputSpec;
import onnx2mpc.passes.CompiledProgram.OutputSpec;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.ProgramData;
import onnx2mpc.runtime.io.FixedPoint;
import onnx2mpc.runtime.io.NpyArray;
import onnx2mpc.runtime.local.LocalNetwork;

/**
 * Runs what the party jars would run: the ASM-generated party and dealer classes, each party
 * and the dealer on its own thread over a {@link LocalNetwork}. It is the package-private
 * {@code onnx2mpc.codegen.LocalRun} again, reachable from this package, plus encoding and
 * decoding. Each party is handed only the inputs and constants it may see; reading anything
 * else fails the test, as does a receiver getting a different output from another.
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
    Map<String, Class<?>> classes = load(BytecodeGen.all(p));
    int n = p.parties();
    LocalNetwork net = LocalNetwork.create(n);
    ExecutorService pool = Executors.newFixedThreadPool(n + 1);
    try {
      List<Future<long[][]>> parties = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        int party = k;
        Object prog = classes.get(PartyCode.partyClass(k)).getConstructor().newInstance();
        parties.add(pool.submit(() -> {
          int slots = (Integer) prog.getClass().getMethod("slots").invoke(prog);
          long[][] outs = new long[p.outputs().size()][];
          Ctx ctx = new Ctx(net.party(party), slots, onnx2mpc.codegen.LocalRun.data(p, party, words, outs),
              new Metrics(p.layers().size()));
          prog.getClass().getMethod("offline", Ctx.class).invoke(prog, ctx);
          prog.getClass().getMethod("online", Ctx.class).invoke(prog, ctx);
          return outs;
        }));
      }
      Object dealer = classes.get(PartyCode.dealerClass()).getConstructor().newInstance();
      Future<?> d = pool.submit(() -> {
        dealer.getClass().getMethod("run", DealerSession.class).invoke(dealer, net.dealer());
        return null;
      });
      d.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      long[][] revealed = new long[p.outputs().size()][];
      for (int k = 0; k < n; k++) {
        long[][] outs = parties.get(k).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (int o = 0; o < outs.length; o++) {
          if (outs[o] == null) {
            continue;
          }
          if (revealed[o] != null && !Arrays.equals(revealed[o], outs[o])) {
            throw new AssertionError("output " + o + ": party " + k + " received other words"
                + " than an earlier receiver");
          }
          revealed[o] = outs[o];
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
    } finally {
      pool.shutdownNow();
    }
  }


  /** Defines the generated classes in a fresh loader over the test's own. */
  private static Map<String, Class<?>> load(Map<String, byte[]> files)
      throws ClassNotFoundException {
    ClassLoader l = new ClassLoader(MpcRun.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = files.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
    Map<String, Class<?>> out = new LinkedHashMap<>();
    for (String name : files.keySet()) {
      out.put(name, Class.forName(name, true, l));
    }
    return out;
  }
}
