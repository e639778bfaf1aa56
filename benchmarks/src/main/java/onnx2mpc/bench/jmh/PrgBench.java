package onnx2mpc.bench.jmh;

import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.prg.AesCtrPrg;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AES-128-CTR expansion ({@link AesCtrPrg#fill}) of 8 MiB, the way parties and dealer expand
 * masks and correlations from shared seeds. One operation is one byte, so ops/s is bytes/s.
 * Each call opens a new stream (its own nonce), as the runtime does per correlation, and so
 * also stays far below a stream's 2^32-block limit however long JMH runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PrgBench {
  static final int WORDS = 1 << 20;
  static final int BYTES = 8 * WORDS;

  byte[] seed;
  long[] out;
  long nonce;

  @Setup
  public void setup() {
    seed = AesCtrPrg.newSeed();
    out = new long[WORDS];
  }

  @Benchmark
  @OperationsPerInvocation(BYTES)
  public long[] fill8MiB() {
    new AesCtrPrg(seed, nonce++, 0).fill(out);
    return out;
  }
}
