package onnx2mpc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import onnx2mpc.runtime.io.NpyArray.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  // Written by numpy 2.4: np.save(b, np.array([[1.5, -2.25, 3], [0, 1e-3, -7]], dtype='<f4'))
  private static final String F32 = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f7264657227"
      + "3a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020"
      + "202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
      + "200a0000c03f000010c000004040000000006f12833a0000e0c0";
  // np.array([1, -2, 1 << 40], dtype='<i8')
  private static final String I64 = "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f7264657227"
      + "3a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020"
      + "202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
      + "200a0100000000000000feffffffffffffff0000000000010000";
  // np.array(3.25, dtype='<f8')
  private static final String F64_SCALAR = "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f7264657227"
      + "3a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020"
      + "202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
      + "200a0000000000000a40";
  // np.array([[7, -8], [9, 10]], dtype='<i4')
  private static final String I32 = "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f7264657227"
      + "3a2046616c73652c20277368617065273a2028322c2032292c207d202020202020202020202020202020"
      + "202020202020202020202020202020202020202020202020202020202020202020202020202020202020"
      + "200a07000000f8ffffff090000000a000000";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void readsWhatNumpyWrites() throws IOException {
    NpyArray f = Npy.read(hex(F32), "f.npy");
    assertEquals(DType.FLOAT32, f.dtype());
    assertArrayEquals(new int[] {2, 3}, f.shape());
    assertArrayEquals(new double[] {1.5, -2.25, 3, 0, (float) 1e-3, -7}, f.doubles());

    NpyArray l = Npy.read(hex(I64), "l.npy");
    assertArrayEquals(new int[] {3}, l.shape());
    assertArrayEquals(new long[] {1, -2, 1L << 40}, l.longs());

    NpyArray s = Npy.read(hex(F64_SCALAR), "s.npy");
    assertArrayEquals(new int[0], s.shape());
    assertArrayEquals(new double[] {3.25}, s.doubles());

    NpyArray i = Npy.read(hex(I32), "i.npy");
    assertEquals(DType.INT32, i.dtype());
    assertArrayEquals(new long[] {7, -8, 9, 10}, i.longs());
  }

  @Test
  void writesWhatNumpyWrites() throws IOException {
    for (String h : new String[] {F32, I64, F64_SCALAR, I32}) {
      byte[] bytes = hex(h);
      assertArrayEquals(bytes, Npy.toBytes(Npy.read(bytes, "x.npy")));
    }
  }

  @Test
  void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
    Path p = dir.resolve("a.npy");
    NpyArray a = NpyArray.ofDoubles(new int[] {2, 0, 3}, new double[0]);
    Npy.write(p, a);
    NpyArray b = Npy.read(p);
    assertArrayEquals(new int[] {2, 0, 3}, b.shape());
    assertEquals(0, b.size());

    double[] big = new double[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5 - 100;
    }
    Npy.write(p, NpyArray.ofDoubles(new int[] {big.length}, big));
    assertArrayEquals(big, Npy.read(p).doubles());
  }

  @Test
  void rejectsWhatItCannotRead(@TempDir Path dir) throws IOException {
    Path p = dir.resolve("bad.npy");
    Files.write(p, "hello world".getBytes());
    IOException e = assertThrows(IOException.class, () -> Npy.read(p));
    assertEquals(p + ": not a .npy file (expected the magic \\x93NUMPY)", e.getMessage());

    byte[] bigEndian = hex(I64.replace("3c6938", "3e6938")); // '<i8' -> '>i8'
    e = assertThrows(IOException.class, () -> Npy.read(bigEndian, "be.npy"));
    assertEquals("be.npy: big-endian data ('>i8') is not supported; save with x.astype('<i8')",
        e.getMessage());

    byte[] fortran = hex(F32.replace("46616c7365", "5472756520")); // False -> "True "
    e = assertThrows(IOException.class, () -> Npy.read(fortran, "f.npy"));
    assertEquals("f.npy: Fortran-order arrays are not supported;"
        + " save with numpy.ascontiguousarray(x)", e.getMessage());

    byte[] truncated = hex(I64.substring(0, I64.length() - 2));
    e = assertThrows(IOException.class, () -> Npy.read(truncated, "t.npy"));
    assertEquals("t.npy: expected 24 bytes of <i8 data for shape [3], but found 23",
        e.getMessage());

    byte[] uint8 = hex(I64.replace("3c6938", "7c7531")); // '<i8' -> '|u1'
    e = assertThrows(IOException.class, () -> Npy.read(uint8, "u.npy"));
    assertEquals("u.npy: element type '|u1' is not supported (expected float32 '<f4',"
        + " float64 '<f8', int32 '<i4' or int64 '<i8')", e.getMessage());
  }
}
