package onnx2mpc.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsEveryDtypeAndRank() throws IOException {
    Tensor reals = Tensor.reals(Shape.of(2, 3), new double[] {0.5, -1.25, 3, 1e-3, 7, -8});
    Tensor ints = Tensor.ints(Shape.of(4), new long[] {1, -2, 1L << 40, 0});
    for (Npy.Dtype dt : Npy.Dtype.values()) {
      Path f = dir.resolve(dt + ".npy");
      boolean isInt = dt == Npy.Dtype.INT32 || dt == Npy.Dtype.INT64;
      Tensor t = isInt && dt == Npy.Dtype.INT32 ? Tensor.ints(Shape.of(2), new long[] {5, -6})
          : isInt ? ints : reals;
      Npy.write(f, t, dt);
      Tensor back = Npy.read(f);
      assertEquals(t.shape(), back.shape(), dt.toString());
      assertEquals(isInt, back.isInt(), dt.toString());
      if (isInt) {
        assertArrayEquals(t.ints(), back.ints(), dt.toString());
      } else {
        // float32 rounds: 1e-3 is not exact.
        assertArrayEquals(t.reals(), back.reals(), dt == Npy.Dtype.FLOAT32 ? 1e-7 : 0);
      }
      byte[] b = Files.readAllBytes(f);
      assertEquals(0, (b.length - t.size() * (dt.width)) % 64, "data starts 64-aligned");
    }
    Path scalar = dir.resolve("scalar.npy");
    Npy.write(scalar, Tensor.scalar(2.5));
    assertEquals(Shape.SCALAR, Npy.read(scalar).shape());
    assertArrayEquals(new double[] {2.5}, Npy.read(scalar).reals());
  }

  @Test
  void writesTheHeaderNumpyWrites() throws IOException {
    Path f = dir.resolve("v.npy");
    Npy.write(f, Tensor.reals(Shape.of(5), new double[5]), Npy.Dtype.FLOAT32);
    byte[] b = Files.readAllBytes(f);
    int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
    assertEquals(0, (10 + len) % 64);
    String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"),
        header);
    assertTrue(header.endsWith("\n"));
  }

  /** A hand-made file with the given version and header text, then {@code data}. */
  private Path file(String name, int major, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    int pre = major == 1 ? 10 : 12;
    ByteBuffer bb = ByteBuffer.allocate(pre + h.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      bb.putShort((short) h.length);
    } else {
      bb.putInt(h.length);
    }
    bb.put(h).put(data);
    Path f = dir.resolve(name);
    Files.write(f, bb.array());
    return f;
  }

  @Test
  void readsVersion2AndSmallIntegerTypes() throws IOException {
    Path f = file("v2.npy", 2, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }\n",
        new byte[] {1, 2, (byte) 255, 0});
    Tensor t = Npy.read(f);
    assertEquals(Shape.of(2, 2), t.shape());
    assertArrayEquals(new long[] {1, 2, 255, 0}, t.ints());
  }

  private void assertBad(Path f, String... parts) {
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected <" + p + "> in " + e.getMessage());
    }
  }

  @Test
  void badFilesAreNamedAndExplained() throws IOException {
    Path junk = dir.resolve("junk.npy");
    Files.write(junk, "hello, world".getBytes(StandardCharsets.US_ASCII));
    assertBad(junk, "expected an .npy file starting with \\x93NUMPY");
    assertBad(file("fortran.npy", 1,
        "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }\n", new byte[8]),
        "expected fortran_order False (C order), but found True");
    assertBad(file("complex.npy", 1,
        "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n", new byte[16]),
        "expected dtype float32 ('<f4'), float64 ('<f8'), int64 ('<i8') or int32 ('<i4'),"
            + " but found '<c16'");
    assertBad(file("big.npy", 1,
        "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", new byte[4]),
        "expected little-endian data, but found dtype '>f4'");
    assertBad(file("short.npy", 1,
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", new byte[8]),
        "expected 12 bytes of data for shape [3] and dtype '<f4', but found 8");
    assertBad(file("noshape.npy", 1, "{'descr': '<f4', 'fortran_order': False, }\n",
        new byte[4]), "expected key 'shape' in the .npy header");
    assertBad(file("v9.npy", 9, "{}", new byte[0]), "expected .npy format version 1, 2 or 3,"
        + " but found 9.0");
    assertFalse(Files.exists(dir.resolve("missing.npy")));
    assertThrows(IOException.class, () -> Npy.read(dir.resolve("missing.npy")));
  }
}
