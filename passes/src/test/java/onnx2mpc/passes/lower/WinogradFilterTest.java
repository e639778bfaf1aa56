package onnx2mpc.passes.lower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.runtime.ops.ConvDims;
import onnx2mpc.runtime.ops.ConvKernels;
import onnx2mpc.runtime.ops.Winograd;
import org.junit.jupiter.api.Test;

/**
 * The compiler's filter transform against the runtime's: on weights whose fixed-point
 * encoding is a multiple of 4 both are exact, so they must agree word for word, and the
 * runtime's Winograd convolution with the compiler's filters must equal the direct convolution.
 */
class WinogradFilterTest {
  static final int F = 16;

  @Test
  void matchesTheRuntimeTransformAndGivesTheDirectConvolution() {
    int o = 5;
    int c = 3;
    SplittableRandom rnd = new SplittableRandom(11);
    double[] w = new double[o * c * 9];
    for (int i = 0; i < w.length; i++) {
      // Multiples of 4 / 2^16, so that G w G^T (denominators 4) is exact at 16 bits.
      w[i] = 4.0 * (rnd.nextInt(4001) - 2000) / (1 << F);
    }
    Tensor u = WinogradFilter.of(Tensor.reals(Shape.of(o, c, 3, 3), w));
    assertEquals(Shape.of(16, o, c), u.shape());
    long[] wWords = MpcBuilder.encode(Tensor.reals(Shape.of(o, c, 3, 3), w), F, "w");
    long[] uWords = MpcBuilder.encode(u, F, "u");
    assertArrayEquals(Winograd.filter(wWords, o, c), uWords);

    ConvDims d = new ConvDims(1, c, 6, 7, o, 3, 3, 6, 7, 1, 1, 1, 1, 1, 1, 1);
    long[] x = rnd.longs(d.inSize()).toArray();
    assertArrayEquals(ConvKernels.conv(d, x, wWords), Winograd.conv(d, x, uWords));
  }

  @Test
  void rejectsFiltersThatAreNotThreeByThree() {
    Tensor w = Tensor.reals(Shape.of(2, 2, 5, 5), new double[100]);
    assertThrows(IllegalArgumentException.class, () -> WinogradFilter.of(w));
  }
}
