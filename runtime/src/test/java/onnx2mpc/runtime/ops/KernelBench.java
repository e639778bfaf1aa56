package onnx2mpc.runtime.ops;

import java.util.Random;

/**
 * Micro benchmark of the int64 kernels (run with
 * {@code java -cp runtime/target/classes:runtime/target/test-classes onnx2mpc.runtime.ops.KernelBench}):
 * a 512^3 GEMM and a ResNet layer convolution (64 x 56 x 56, 3x3, 64 out), in GMAC/s, best of
 * several runs after warm-up. Threads: {@code -Donnx2mpc.threads=N}.
 */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) {
    Random rnd = new Random(1);
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf("threads: %d%n", Parallel.THREADS);
    MmDims mm = new MmDims(1, 512, 512, 512, true, true);
    long[] a = MpcTestKit.words(rnd, mm.aSize());
    long[] b = MpcTestKit.words(rnd, mm.bSize());
    report("gemm 512x512x512", (long) 512 * 512 * 512, reps, () -> mm.mul(a, b));
    ConvDims d = ConvDims.of(MpcTestKit.conv(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1));
    long[] x = MpcTestKit.words(rnd, d.inSize());
    long[] w = MpcTestKit.words(rnd, d.weightSize());
    report("conv 64x56x56 3x3 -> 64", d.macs(), reps, () -> ConvKernels.conv(d, x, w));
    ConvDims dw = ConvDims.of(MpcTestKit.conv(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 64));
    long[] ww = MpcTestKit.words(rnd, dw.weightSize());
    report("depthwise 64x56x56 3x3", dw.macs(), reps, () -> ConvKernels.conv(dw, x, ww));
  }

  private static void report(String what, long macs, int reps, Runnable r) {
    for (int i = 0; i < 3; i++) {
      r.run();
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      r.run();
      best = Math.min(best, System.nanoTime() - t);
    }
    System.out.printf("%-28s %8.2f ms  %6.2f GMAC/s%n", what, best / 1e6, macs / (double) best);
  }
}
