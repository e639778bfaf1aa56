package onnx2mpc.passes;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.OpDef;
import onnx2mpc.ir.Tensor;
import onnx2mpc.passes.CompiledProgram.Call;
import onnx2mpc.passes.CompiledProgram.ConstSpec;
import onnx2mpc.passes.CompiledProgram.Exchange;
import onnx2mpc.passes.CompiledProgram.InputSpec;
import onnx2mpc.passes.CompiledProgram.OutputSpec;
import onnx2mpc.passes.CompiledProgram.Step;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.ProgramData;
import onnx2mpc.runtime.Session;
import onnx2mpc.runtime.local.LocalNetwork;

/**
 * Runs a compiled program with every party and the dealer on threads of this process, calling
 * the real runtime kernels step by step (what the generated classes do, without generating
 * them). Tests use it to check lowering against the plaintext interpreter.
 */
public final class InProcessRunner {
  /** Outputs decoded as reals, and per-party bytes sent. */
  public record Result(List<double[]> outputs, long[] bytesSent, int rounds) {}

  private InProcessRunner() {}

  public static Result run(CompiledProgram p, Map<String, Tensor> inputs) throws Exception {
    return run(p, inputs, 1);
  }

  /**
   * Runs the program {@code epochs} times in one session, as {@code --repeat} does: every
   * repetition in its own epoch, the masked weights published in the first and kept for the
   * others. Returns the last repetition's outputs.
   */
  public static Result run(CompiledProgram p, Map<String, Tensor> inputs, int epochs)
      throws Exception {
    LocalNetwork net = LocalNetwork.create(p.parties());
    ExecutorService pool = Executors.newFixedThreadPool(p.parties() + 1);
    try {
      List<Future<List<double[]>>> parties = new ArrayList<>();
      for (int k = 0; k < p.parties(); k++) {
        Session s = net.sessions().get(k);
        parties.add(pool.submit(() -> {
          Map<Integer, long[]> kept = new HashMap<>();
          List<double[]> last = null;
          for (int e = 0; e < epochs; e++) {
            if (epochs > 1) {
              s.beginEpoch(e, epochs);
            }
            last = runParty(p, s, inputs, kept);
          }
          return last;
        }));
      }
      Future<?> dealer = pool.submit(() -> {
        for (int e = 0; e < epochs; e++) {
          if (epochs > 1) {
            net.dealer().beginEpoch(e, epochs);
          }
          runDealer(p, net.dealer());
        }
        return null;
      });
      dealer.get(300, TimeUnit.SECONDS);
      List<double[]> outs = null;
      long[] bytes = new long[p.parties()];
      for (int k = 0; k < p.parties(); k++) {
        List<double[]> o = parties.get(k).get(300, TimeUnit.SECONDS);
        bytes[k] = net.sessions().get(k).bytesSent();
        if (o != null && outs == null) {
          outs = o;
        }
      }
      return new Result(outs, bytes, p.plan().rounds());
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<double[]> runParty(CompiledProgram p, Session s, Map<String, Tensor> in,
      Map<Integer, long[]> kept) throws Exception {
    int party = s.party();
    Map<Integer, long[]> outputs = new HashMap<>();
    ProgramData data = new ProgramData() {
      @Override
      public long[] input(int id) {
        InputSpec spec = p.inputs().get(id);
        if (spec.owner() != party) {
          return null;
        }
        Tensor t = in.get(spec.name());
        double[] d = t.reals();
        long[] w = new long[d.length];
        for (int i = 0; i < d.length; i++) {
          w[i] = Math.round(Math.scalb(d[i], spec.scale()));
        }
        return w;
      }

      @Override
      public long[] constant(int id) {
        ConstSpec c = p.constants().get(id);
        return c.owner() < 0 || c.owner() == party ? c.words() : null;
      }

      @Override
      public void output(int index, long[] words) {
        outputs.put(index, words);
      }
    };
    Ctx ctx = new Ctx(s, p.slotCount(), data, new Metrics(p.layers().size()), kept);
    execute(p.offline(), ctx);
    execute(p.online(), ctx);
    List<double[]> result = new ArrayList<>();
    for (OutputSpec o : p.outputs()) {
      if ((o.toMask() >>> party & 1) == 0) {
        return null;
      }
      long[] w = ctx.buf[o.slot()];
      double[] d = new double[w.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = Math.scalb((double) w[i], -o.scale());
      }
      result.add(d);
    }
    return result;
  }

  static final boolean PROFILE = System.getenv("ONNX2MPC_PROFILE") != null;
  static final Map<String, Long> TIMES = new java.util.concurrent.ConcurrentSkipListMap<>();

  private static void execute(List<Step> steps, Ctx ctx) throws Exception {
    for (Step st : steps) {
      if (st instanceof Exchange e) {
        long t0 = System.nanoTime();
        ctx.exchange(e.round());
        if (PROFILE && ctx.party == 0) {
          TIMES.merge("exchange", System.nanoTime() - t0, Long::sum);
        }
        continue;
      }
      Call c = (Call) st;
      ctx.layer(c.layer());
      long t0 = System.nanoTime();
      try {
        handle(c.kernel(), Ctx.class).invokeExact(ctx, c.args());
        if (PROFILE && ctx.party == 0) {
          TIMES.merge(c.kernel(), System.nanoTime() - t0, Long::sum);
        }
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      for (int f : c.frees()) {
        ctx.release(f);
      }
    }
  }

  private static void runDealer(CompiledProgram p, DealerSession d) throws Exception {
    List<Step> all = new ArrayList<>(p.offline());
    all.addAll(p.online());
    for (Step st : all) {
      if (st instanceof Call c && MpcOps.get(c.node().op()).comm() == OpDef.Comm.DEALER) {
        String method = c.kernel().substring(c.kernel().indexOf('.') + 1);
        try {
          handle("DealerSide." + method, DealerSession.class).invokeExact(d, c.args());
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
      }
    }
  }

  private static final Map<String, MethodHandle> HANDLES = new java.util.concurrent.ConcurrentHashMap<>();

  private static MethodHandle handle(String kernel, Class<?> ctxType) {
    return HANDLES.computeIfAbsent(kernel + ctxType.getSimpleName(), k -> {
      int dot = kernel.indexOf('.');
      try {
        Class<?> cls = Class.forName("onnx2mpc.runtime.ops." + kernel.substring(0, dot));
        return MethodHandles.publicLookup().findStatic(cls, kernel.substring(dot + 1),
            MethodType.methodType(void.class, ctxType, int[].class));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("no runtime kernel " + kernel + "(" + ctxType.getSimpleName()
            + ", int[])", e);
      }
    });
  }
}
