package onnx2mpc.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.local.LocalNetwork;
import onnx2mpc.runtime.ops.Bits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The local step that starts every A2B conversion and msb (and so every relu and comparison):
 * {@link Bits#sliceShare}, a party's arithmetic share of 1,000,000 elements bit-sliced into 64
 * rows by 64 x 64 bit-matrix transposes. One operation is one element, so ops/s is elements/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SliceBench {
  static final int N = 1_000_000;

  Ctx ctx;
  /** mpc.slice_bits [out, in, n, party, rows]: slot 1 into slot 0, at party 0, all 64 rows. */
  final int[] args = {0, 1, N, 0, 64};

  @Setup
  public void setup() {
    // One party, no peer: slicing talks to nobody, the session only names the party.
    ctx = new Ctx(LocalNetwork.create(1).party(0), 2, null, new Metrics(0));
    ctx.buf[1] = new SplittableRandom(3).longs(N).toArray();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public long[] sliceShare() {
    Bits.sliceShare(ctx, args);
    return ctx.buf[0];
  }
}
