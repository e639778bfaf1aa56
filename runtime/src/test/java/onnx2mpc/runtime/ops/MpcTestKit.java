package onnx2mpc.runtime.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.ProgramData;
import onnx2mpc.runtime.local.LocalNetwork;

/**
 * Runs n parties and the dealer as threads of this process over a {@link LocalNetwork}, and
 * holds the plaintext references the conformance tests compare with.
 */
final class MpcTestKit {
  static final int SLOTS = 512;
  static final int F = 16;

  private MpcTestKit() {}

  /** A party's program; returns what the test wants to check. */
  interface PartyProgram<T> {
    T run(Ctx ctx) throws Exception;
  }

  /** Inputs and constants of every party: id -> words, absent where a party lacks them. */
  static final class Data implements ProgramData {
    final Map<Integer, long[]> inputs = new HashMap<>();
    final Map<Integer, long[]> constants = new HashMap<>();

    @Override
    public long[] input(int id) {
      return inputs.get(id);
    }

    @Override
    public long[] constant(int id) {
      return constants.get(id);
    }

    @Override
    public void output(int index, long[] words) {
      throw new UnsupportedOperationException("output");
    }
  }

  /** Runs the party programs and the dealer, each on its own thread; results by party. */
  static <T> List<T> run(int n, PartyProgram<T> party, Consumer<DealerSession> dealer) {
    LocalNetwork net = LocalNetwork.create(n);
    ExecutorService pool = Executors.newFixedThreadPool(n + 1);
    ExecutorCompletionService<Object> done = new ExecutorCompletionService<>(pool);
    List<Future<Object>> parties = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Ctx ctx = new Ctx(net.party(i), SLOTS, new Data(), new Metrics(1));
        parties.add(done.submit(() -> party.run(ctx)));
      }
      done.submit(() -> {
        dealer.accept(net.dealer());
        return null;
      });
      for (int i = 0; i <= n; i++) {
        Future<Object> f = done.poll(300, TimeUnit.SECONDS);
        if (f == null) {
          throw new AssertionError("parties did not finish within 300 s");
        }
        f.get();
      }
      List<T> out = new ArrayList<>();
      for (Future<Object> f : parties) {
        @SuppressWarnings("unchecked")
        T t = (T) f.get();
        out.add(t);
      }
      return out;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs parties without dealer work. */
  static <T> List<T> run(int n, PartyProgram<T> party) {
    return run(n, party, s -> { });
  }

  /** Shares buf[in] (held by owner) into buf[out]; n elements. */
  static void share(Ctx ctx, int out, int in, int owner, int nonce, int n) {
    Arith.share(ctx, new int[] {out, in, owner, nonce, n});
  }

  /** Reveals buf[in] to everyone in one round and returns it. */
  static long[] reveal(Ctx ctx, int in, int round) {
    int out = SLOTS - 1;
    Comm.reveal(ctx, new int[] {out, in, (1 << ctx.parties) - 1});
    ctx.exchange(round);
    return ctx.buf[out];
  }

  /** XOR-opens buf[in] in one round and returns it. */
  static long[] openB(Ctx ctx, int in, int round) {
    int out = SLOTS - 2;
    Comm.openB(ctx, new int[] {out, in});
    ctx.exchange(round);
    return ctx.buf[out];
  }

  /** Random fixed-point values in (-range, range) encoded with F fractional bits. */
  static long[] fixed(java.util.Random rnd, int n, double range) {
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.round((rnd.nextDouble() * 2 - 1) * range * (1 << F));
    }
    return x;
  }

  static long[] words(java.util.Random rnd, int n) {
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextLong();
    }
    return x;
  }

  /** XOR shares of x for n parties: shares[p]. */
  static long[][] xorShares(java.util.Random rnd, long[] x, int n) {
    long[][] s = new long[n][];
    s[0] = x.clone();
    for (int p = 1; p < n; p++) {
      s[p] = words(rnd, x.length);
      for (int i = 0; i < x.length; i++) {
        s[0][i] ^= s[p][i];
      }
    }
    return s;
  }

  /** Additive shares of x for n parties: shares[p]. */
  static long[][] addShares(java.util.Random rnd, long[] x, int n) {
    long[][] s = new long[n][];
    s[0] = x.clone();
    for (int p = 1; p < n; p++) {
      s[p] = words(rnd, x.length);
      for (int i = 0; i < x.length; i++) {
        s[0][i] -= s[p][i];
      }
    }
    return s;
  }

  /** Textbook convolution: the reference for every conv kernel. */
  static long[] naiveConv(ConvDims d, long[] x, long[] w) {
    long[] out = new long[d.outSize()];
    int cg = d.c() / d.group();
    int og = d.o() / d.group();
    for (int n = 0; n < d.n(); n++) {
      for (int o = 0; o < d.o(); o++) {
        int g = o / og;
        for (int oy = 0; oy < d.oh(); oy++) {
          for (int ox = 0; ox < d.ow(); ox++) {
            long acc = 0;
            for (int ci = 0; ci < cg; ci++) {
              for (int i = 0; i < d.kh(); i++) {
                for (int j = 0; j < d.kw(); j++) {
                  int iy = oy * d.strideH() - d.padTop() + i * d.dilationH();
                  int ix = ox * d.strideW() - d.padLeft() + j * d.dilationW();
                  if (iy >= 0 && iy < d.h() && ix >= 0 && ix < d.w()) {
                    acc += x[((n * d.c() + g * cg + ci) * d.h() + iy) * d.w() + ix]
                        * w[((o * cg + ci) * d.kh() + i) * d.kw() + j];
                  }
                }
              }
            }
            out[((n * d.o() + o) * d.oh() + oy) * d.ow() + ox] = acc;
          }
        }
      }
    }
    return out;
  }

  /** Textbook batched matmul. */
  static long[] naiveMatmul(MmDims mm, long[] a, long[] b) {
    long[] c = new long[mm.cSize()];
    for (int t = 0; t < mm.batch(); t++) {
      int ao = mm.aBatched() ? t * mm.m() * mm.k() : 0;
      int bo = mm.bBatched() ? t * mm.k() * mm.n() : 0;
      for (int i = 0; i < mm.m(); i++) {
        for (int j = 0; j < mm.n(); j++) {
          long acc = 0;
          for (int p = 0; p < mm.k(); p++) {
            acc += a[ao + i * mm.k() + p] * b[bo + p * mm.n() + j];
          }
          c[(t * mm.m() + i) * mm.n() + j] = acc;
        }
      }
    }
    return c;
  }

  /** A conv attribute with output size derived from the rest (ONNX formula, symmetric pads). */
  static int[] conv(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad,
      int dil, int group) {
    int oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
    int ow = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
    return new int[] {n, c, h, w, o, kh, kw, oh, ow, stride, stride, pad, pad, dil, dil, group};
  }

  /** Appends an INTS attribute (length, values) to args. */
  static int[] with(int[] head, int[]... ints) {
    int len = head.length;
    for (int[] v : ints) {
      len += 1 + v.length;
    }
    int[] out = java.util.Arrays.copyOf(head, len);
    int pos = head.length;
    for (int[] v : ints) {
      out[pos++] = v.length;
      System.arraycopy(v, 0, out, pos, v.length);
      pos += v.length;
    }
    return out;
  }
}
