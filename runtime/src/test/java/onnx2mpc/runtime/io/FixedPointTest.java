package onnx2mpc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import onnx2mpc.runtime.io.NpyArray.DType;
import org.junit.jupiter.api.Test;

class FixedPointTest {
  @Test
  void encodesRoundHalfEvenAndDecodesSigned() {
    NpyArray a =
        NpyArray.ofDoubles(new int[] {5}, new double[] {1.5, -0.25, 0x1p-17, 3 * 0x1p-17, 0});
    long[] w = FixedPoint.encode(a, 16, "a.npy");
    assertArrayEquals(new long[] {98304, -16384, 0, 2, 0}, w);
    // 0x1p-17 * 2^16 = 0.5 rounds to 0 and 1.5 rounds to 2 (half-to-even).
    assertArrayEquals(new double[] {1.5, -0.25, 0, 0x1p-15, 0}, FixedPoint.decode(w, 16));
    assertEquals(-1.0, FixedPoint.decode(-65536L, 16));
    assertEquals(-1L << 16, FixedPoint.encode(-1.0, 16));
  }

  @Test
  void encodesIntegersExactly() {
    NpyArray a = NpyArray.ofLongs(DType.INT32, new int[] {3}, new long[] {-3, 0, 7});
    assertArrayEquals(new long[] {-3L << 16, 0, 7L << 16}, FixedPoint.encode(a, 16, "i.npy"));
    assertArrayEquals(new long[] {-3, 0, 7}, FixedPoint.encodeIntegers(a, "i.npy"));
  }

  @Test
  void errorsNameFileAndElement() {
    NpyArray nan = NpyArray.ofDoubles(new int[] {2, 2}, new double[] {0, 1, Double.NaN, 2});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.encode(nan, 16, "x.npy"));
    assertEquals("x.npy: element [1, 0] is NaN; only finite values can be encoded",
        e.getMessage());

    NpyArray big = NpyArray.ofDoubles(new int[] {1}, new double[] {1e15});
    e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.encode(big, 16, "x.npy"));
    assertEquals("x.npy: element [0] = 1.0E15 is out of range for 16 fractional bits"
        + " (|x| must be below 2^47)", e.getMessage());

    NpyArray bigInt = NpyArray.ofLongs(new int[] {1}, new long[] {1L << 50});
    e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.encode(bigInt, 16, "y"));
    assertEquals("y: element [0] = 1125899906842624 is out of range for 16 fractional bits"
        + " (|x| must be below 2^47)", e.getMessage());

    NpyArray frac = NpyArray.ofDoubles(new int[] {1}, new double[] {0.5});
    e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.encodeIntegers(frac, "z"));
    assertEquals("z: element [0] is 0.5; this input holds integers", e.getMessage());
  }
}
