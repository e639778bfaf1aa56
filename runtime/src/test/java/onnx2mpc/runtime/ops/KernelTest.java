package onnx2mpc.runtime.ops;

import static onnx2mpc.runtime.ops.MpcTestKit.conv;
import static onnx2mpc.runtime.ops.MpcTestKit.naiveConv;
import static onnx2mpc.runtime.ops.MpcTestKit.naiveMatmul;
import static onnx2mpc.runtime.ops.MpcTestKit.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GEMM and convolution on plaintext ring values against textbook loops, at sizes that take the
 * parallel paths (row split, column split, per-group tasks, parallel im2col, depthwise).
 */
class KernelTest {
  private final Random rnd = new Random(11);

  @Test
  void gemmMatchesNaiveOnSerialAndParallelPaths() {
    int[][] shapes = {{1, 1, 1}, {7, 3, 5}, {101, 100, 99}, {3, 300, 1000}, {2, 70, 3001},
        {65, 129, 130}};
    for (int[] s : shapes) {
      MmDims mm = new MmDims(1, s[0], s[1], s[2], true, true);
      long[] a = words(rnd, mm.aSize());
      long[] b = words(rnd, mm.bSize());
      assertArrayEquals(naiveMatmul(mm, a, b), mm.mul(a, b), java.util.Arrays.toString(s));
    }
  }

  @Test
  void batchedGemmOfSmallMatricesRunsPerBatch() {
    MmDims mm = new MmDims(300, 8, 9, 10, true, false);
    long[] a = words(rnd, mm.aSize());
    long[] b = words(rnd, mm.bSize());
    assertArrayEquals(naiveMatmul(mm, a, b), mm.mul(a, b));
  }

  @Test
  void convMatchesNaiveOnEveryPath() {
    int[][] convs = {
      conv(4, 32, 16, 16, 32, 3, 3, 1, 1, 1, 4),   // per-(image, group) tasks
      conv(1, 16, 32, 32, 32, 3, 3, 1, 1, 1, 1),   // parallel im2col and GEMM
      conv(1, 64, 32, 32, 64, 3, 3, 1, 1, 1, 64),  // depthwise, parallel planes
      conv(1, 64, 32, 32, 64, 1, 1, 1, 0, 1, 1),   // 1x1 direct
      conv(1, 3, 33, 31, 8, 7, 7, 2, 3, 1, 1),     // ResNet stem-like
    };
    for (int[] v : convs) {
      ConvDims d = ConvDims.of(v);
      long[] x = words(rnd, d.inSize());
      long[] w = words(rnd, d.weightSize());
      assertArrayEquals(naiveConv(d, x, w), ConvKernels.conv(d, x, w),
          java.util.Arrays.toString(v));
    }
  }

  @Test
  void convRejectsAGroupThatDoesNotDivideChannels() {
    ConvDims d = ConvDims.of(conv(1, 6, 4, 4, 4, 3, 3, 1, 1, 1, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvKernels.conv(d, new long[d.inSize()], new long[0]));
    assertEquals("conv: expected group dividing c=6 and o=4, but found group=4", e.getMessage());
  }

  @Test
  void sliceOfAShortTailPadsWithZeros() {
    long[] x = words(rnd, 70);
    long[] s = Bits.slice(x, 70);
    assertEquals(128, s.length);
    for (int r = 0; r < 64; r++) {
      assertEquals(0, s[r * 2 + 1] >>> 6, "row " + r + " beyond element 69");
    }
    // The low 36 bits alone are the first 36 rows of the full slice.
    assertArrayEquals(java.util.Arrays.copyOf(s, 36 * 2), Bits.slice(x, 70, 36));
  }
}
