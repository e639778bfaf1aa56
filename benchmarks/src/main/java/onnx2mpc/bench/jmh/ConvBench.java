package onnx2mpc.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.ops.ConvDims;
import onnx2mpc.runtime.ops.ConvKernels;
import onnx2mpc.runtime.ops.Winograd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A ResNet layer-1 convolution over Z_2^64: input [1, 64, 56, 56], 64 filters of 3 x 3,
 * stride 1, padding 1, by im2col then GEMM and by Winograd F(2x2, 3x3) (filters transformed
 * once in setup). One operation is one multiply-add of the direct convolution:
 * 64 * 56 * 56 * 64 * 9 = 115.6 M per call, so ops/s is MAC/s and the two kernels compare
 * directly (Winograd performs 4/9 of those multiplications).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConvBench {
  /** The layer: n, c, h, w, o, kh, kw, oh, ow, strides, pads, dilations, group. */
  static final ConvDims LAYER = new ConvDims(1, 64, 56, 56, 64, 3, 3, 56, 56, 1, 1, 1, 1, 1, 1,
      1);
  static final int MACS = 64 * 56 * 56 * 64 * 9;

  long[] x;
  long[] w;
  long[] u;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(2);
    x = rnd.longs(LAYER.inSize()).toArray();
    w = rnd.longs(LAYER.weightSize()).toArray();
    u = Winograd.filterExact4(w, LAYER.o(), LAYER.c());
  }

  @Benchmark
  @OperationsPerInvocation(MACS)
  public long[] conv3x3() {
    return ConvKernels.conv(LAYER, x, w);
  }

  @Benchmark
  @OperationsPerInvocation(MACS)
  public long[] winograd3x3() {
    return Winograd.conv(LAYER, x, u);
  }
}
