package onnx2mpc.bench.models;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes float32 arrays in numpy's {@code .npy} format 1.0, byte for byte as
 * {@code numpy.save} does, so generated inputs look exactly like the shared test data.
 *
 * <p>Layout (numpy's {@code format.py}): magic {@code \x93NUMPY}, version 1.0, a
 * little-endian uint16 header length, then the header: a Python dict literal padded with
 * spaces and ended by {@code '\n'} so that magic + length + header is a multiple of 64 bytes
 * (numpy aligns the data for memory mapping), then the data, C order, little-endian.
 */
public final class NpyWriter {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  private static final int ALIGN = 64;

  private NpyWriter() {}

  /** The complete header (magic to the final newline) numpy writes for a float32 array. */
  public static byte[] float32Header(int... shape) {
    String dims = Arrays.stream(shape).mapToObj(Integer::toString)
        .collect(Collectors.joining(", "));
    // Python prints a one-element tuple as "(n,)".
    String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int pad = (ALIGN - unpadded % ALIGN) % ALIGN;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + header.length())
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** Writes {@code data} with the given shape; their sizes must agree. */
  public static void writeFloat32(Path file, int[] shape, float[] data) throws IOException {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape: expected non-negative dims, but found "
            + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException("data: expected " + size + " elements for shape "
          + Arrays.toString(shape) + ", but found " + data.length);
    }
    ByteBuffer body = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(data);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      out.write(float32Header(shape));
      out.write(body.array());
    }
  }
}
