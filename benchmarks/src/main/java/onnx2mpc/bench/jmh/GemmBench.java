package onnx2mpc.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ops.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The int64 ring GEMM, C = A B with 512 x 512 operands: the kernel of every secret-weight
 * Gemm and (through im2col) convolution. One operation is one multiply-add, so the score in
 * ops/s is MAC/s ({@link KernelBenchmarks} prints GMAC/s). Uses the kernel's thread pool
 * ({@code -Donnx2mpc.threads=N} in the forked JVM's arguments to change it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBench {
  static final int SIDE = 512;
  static final int MACS = SIDE * SIDE * SIDE;

  long[] a;
  long[] b;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(1);
    a = rnd.longs((long) SIDE * SIDE).toArray();
    b = rnd.longs((long) SIDE * SIDE).toArray();
  }

  /** Returns the product so that JMH consumes it and the JIT cannot drop the work. */
  @Benchmark
  @OperationsPerInvocation(MACS)
  public long[] gemm512() {
    return Gemm.mul(a, b, SIDE, SIDE, SIDE);
  }
}
