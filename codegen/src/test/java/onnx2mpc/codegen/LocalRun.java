package onnx2mpc.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.ProgramData;
import onnx2mpc.runtime.local.LocalNetwork;

/**
 * Runs generated classes with every party and the dealer on its own thread of this process
 * ({@link LocalNetwork}), and returns what each party holds in the output slots afterwards.
 */
public final class LocalRun {
  private LocalRun() {}

  /**
   * @param classes generated classes by binary name (parties' and dealer's), already loaded
   * @param inputs ring-encoded inputs by input id
   * @return out[party][output] = the words handed to {@code ProgramData.output}, or null where
   *     the party learns nothing
   */
  public static long[][][] run(CompiledProgram p, Map<String, Class<?>> classes,
      long[][] inputs) throws Exception {
    return run(p, classes, inputs, 60);
  }

  /** As {@link #run(CompiledProgram, Map, long[][])}, waiting at most {@code seconds}. */
  public static long[][][] run(CompiledProgram p, Map<String, Class<?>> classes, long[][] inputs,
      long seconds) throws Exception {
    return run(p, classes, inputs, seconds, java.util.function.UnaryOperator.identity());
  }

  /**
   * As above, with every party's session passed through {@code wrap} (e.g. to record what a
   * party receives).
   */
  static long[][][] run(CompiledProgram p, Map<String, Class<?>> classes, long[][] inputs,
      long seconds, java.util.function.UnaryOperator<onnx2mpc.runtime.Session> wrap)
      throws Exception {
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
          Ctx ctx = new Ctx(wrap.apply(net.party(party)), slots, data(p, party, inputs, outs),
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
      d.get(seconds, TimeUnit.SECONDS);
      long[][][] out = new long[n][][];
      for (int k = 0; k < n; k++) {
        out[k] = parties.get(k).get(seconds, TimeUnit.SECONDS);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Inputs the party owns, constants it may see; everything else absent (a test failure).
   * Outputs land in {@code outs}, each at most once.
   */
  public static ProgramData data(CompiledProgram p, int party, long[][] inputs,
      long[][] outs) {
    return new ProgramData() {
      @Override
      public long[] input(int id) {
        if (p.inputs().get(id).owner() != party) {
          throw new AssertionError("party " + party + " read input " + id + " it does not own");
        }
        return inputs[id].clone();
      }

      @Override
      public long[] constant(int id) {
        CompiledProgram.ConstSpec c = p.constants().get(id);
        if (c.owner() != -1 && c.owner() != party) {
          throw new AssertionError("party " + party + " read constant " + id + " of party "
              + c.owner());
        }
        return c.words().clone();
      }

      @Override
      public void output(int index, long[] words) {
        if (outs[index] != null || (p.outputs().get(index).toMask() >>> party & 1) == 0) {
          throw new AssertionError("party " + party + " got output " + index + " twice or"
              + " without being a receiver");
        }
        outs[index] = words.clone();
      }
    };
  }

  /** Loads class files into a fresh class loader and returns them by name. */
  public static Map<String, Class<?>> load(Map<String, byte[]> files)
      throws ClassNotFoundException {
    ClassLoader l = InMemoryJavac.loader(files);
    Map<String, Class<?>> out = new java.util.LinkedHashMap<>();
    for (String name : files.keySet()) {
      out.put(name, Class.forName(name, true, l));
    }
    return out;
  }
}
