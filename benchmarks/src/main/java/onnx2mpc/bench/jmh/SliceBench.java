package onnx2mpc.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.local.LocalNetwork;
import onnx2mpc.runtime.ops.Bits;
import onnx2mpc.runtime.ops.Compare;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The local steps that start every comparison (and so every relu and max): bit-slicing the
 * opened c = x + 2^35 + r of 1,000,000 elements into 36 rows by 64 x 64 bit-matrix transposes
 * ({@link Bits#slice}), and the whole first level of the comparison, slicing included
 * ({@link Compare#leaves}: per group of 4 bits, less-than and equality from the dealer's
 * monomials). One operation is one element, so ops/s is elements/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SliceBench {
  static final int N = 1_000_000;
  static final int K = 36;
  static final int GROUP = 4;

  Ctx ctx;
  /** mpc.compare_leaves [out, c, monomials, n, k, group]. */
  final int[] args = {0, 1, 2, N, K, GROUP};

  @Setup
  public void setup() {
    // One party, no peer: these steps talk to nobody, the session only names the party.
    ctx = new Ctx(LocalNetwork.create(1).party(0), 3, null, new Metrics(0));
    SplittableRandom rnd = new SplittableRandom(3);
    ctx.buf[1] = rnd.longs(N).toArray();
    ctx.buf[2] = rnd.longs((long) Compare.monomialRows(K, GROUP) * Bits.blocks(N)).toArray();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public long[] slice() {
    return Bits.slice(ctx.buf[1], N, K);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public long[] compareLeaves() {
    Compare.leaves(ctx, args);
    return ctx.buf[0];
  }
}
