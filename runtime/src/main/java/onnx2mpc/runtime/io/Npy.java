package onnx2mpc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx2mpc.runtime.io.NpyArray.DType;

/**
 * Reads and writes numpy's {@code .npy} format (versions 1.0 to 3.0) for float32, float64,
 * int32 and int64, little-endian, C order; see numpy's {@code numpy/lib/format.py}. A file is
 * the magic {@code \x93NUMPY}, a version, a header length (2 bytes in 1.0, 4 bytes later), a
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a newline so that the data starts at a multiple of 64, and the data.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a {@code .npy} file; errors name the file. */
  public static NpyArray read(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** Parses {@code .npy} bytes; {@code source} names them in error messages. */
  public static NpyArray read(byte[] bytes, String source) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !ByteBuffer.wrap(bytes, 0, 6).equals(ByteBuffer.wrap(MAGIC))) {
      throw new IOException(source + ": not a .npy file (expected the magic \\x93NUMPY)");
    }
    int major = bytes[6] & 0xff;
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = in.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new IOException(source + ": truncated .npy header");
      }
      headerLen = in.getInt(8);
      headerStart = 12;
    } else {
      throw new IOException(source + ": .npy version " + major + " is not supported"
          + " (expected 1, 2 or 3)");
    }
    if (headerLen < 0 || headerStart + (long) headerLen > bytes.length) {
      throw new IOException(source + ": truncated .npy header");
    }
    String header = new String(bytes, headerStart, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    DType dtype = parseDescr(header, source);
    Matcher fortran = FORTRAN.matcher(header);
    if (!fortran.find()) {
      throw new IOException(source + ": .npy header has no 'fortran_order': " + header.trim());
    }
    if (fortran.group(1).equals("True")) {
      throw new IOException(source + ": Fortran-order arrays are not supported;"
          + " save with numpy.ascontiguousarray(x)");
    }
    int[] shape = parseShape(header, source);
    int n = (int) NpyArray.elementCount(shape);
    int dataStart = headerStart + headerLen;
    long need = (long) n * dtype.size;
    if (bytes.length - dataStart != need) {
      throw new IOException(source + ": expected " + need + " bytes of " + dtype.descr
          + " data for shape " + NpyArray.shapeString(shape) + ", but found "
          + (bytes.length - dataStart));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case FLOAT64: {
        double[] d = new double[n];
        data.asDoubleBuffer().get(d);
        return NpyArray.ofDoubles(dtype, shape, d);
      }
      case FLOAT32: {
        float[] f = new float[n];
        data.asFloatBuffer().get(f);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = f[i];
        }
        return NpyArray.ofDoubles(dtype, shape, d);
      }
      case INT64: {
        long[] l = new long[n];
        data.asLongBuffer().get(l);
        return NpyArray.ofLongs(dtype, shape, l);
      }
      case INT32: {
        int[] v = new int[n];
        data.asIntBuffer().get(v);
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] = v[i];
        }
        return NpyArray.ofLongs(dtype, shape, l);
      }
      default:
        throw new AssertionError(dtype);
    }
  }

  private static DType parseDescr(String header, String source) throws IOException {
    Matcher m = DESCR.matcher(header);
    if (!m.find()) {
      throw new IOException(source + ": .npy header has no 'descr': " + header.trim());
    }
    String descr = m.group(1);
    // numpy writes '|' for single-byte types and '=' is not written to files; '>' is big-endian.
    DType t = DType.ofDescr(descr);
    if (t == null && descr.startsWith(">")) {
      throw new IOException(source + ": big-endian data ('" + descr + "') is not supported;"
          + " save with x.astype('<" + descr.substring(1) + "')");
    }
    if (t == null) {
      throw new IOException(source + ": element type '" + descr + "' is not supported"
          + " (expected float32 '<f4', float64 '<f8', int32 '<i4' or int64 '<i8')");
    }
    return t;
  }

  private static int[] parseShape(String header, String source) throws IOException {
    Matcher m = SHAPE.matcher(header);
    if (!m.find()) {
      throw new IOException(source + ": .npy header has no 'shape': " + header.trim());
    }
    List<Integer> dims = new ArrayList<>();
    for (String part : m.group(1).split(",")) {
      String p = part.trim();
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1); // Python 2 long literals
      }
      if (p.isEmpty()) {
        continue;
      }
      try {
        dims.add(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        throw new IOException(source + ": bad dimension '" + p + "' in .npy shape ("
            + m.group(1) + ")");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Writes a {@code .npy} file (version 1.0 unless the header needs more). */
  public static void write(Path file, NpyArray a) throws IOException {
    Files.write(file, toBytes(a));
  }

  /** The bytes of a {@code .npy} file holding {@code a}. */
  public static byte[] toBytes(NpyArray a) {
    int[] shape = a.shape();
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    // Python's tuple syntax: "(3,)" for one dimension, "(2, 3)" for two, "()" for a scalar.
    String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
        : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
    String dict = "{'descr': '" + a.dtype().descr + "', 'fortran_order': False, 'shape': "
        + tuple + ", }";
    if (shape.length > 0) {
      // numpy leaves room for the first axis to grow to 21 digits (GROWTH_AXIS_MAX_DIGITS);
      // doing the same makes our files byte-identical to numpy.save's.
      dict += " ".repeat(Math.max(0, 21 - Integer.toString(shape[0]).length()));
    }
    int prefix = 10;
    int total = prefix + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    int major = 1;
    if (padded - prefix > 0xffff) {
      major = 2;
      prefix = 12;
      padded = (prefix + dict.length() + 1 + 63) / 64 * 64;
    }
    String header = dict + " ".repeat(padded - prefix - dict.length() - 1) + "\n";
    int n = a.size();
    ByteBuffer out = ByteBuffer.allocate(padded + n * a.dtype().size).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      out.putShort((short) header.length());
    } else {
      out.putInt(header.length());
    }
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    switch (a.dtype()) {
      case FLOAT64:
        out.asDoubleBuffer().put(a.doubles());
        break;
      case FLOAT32: {
        double[] d = a.doubles();
        for (int i = 0; i < n; i++) {
          out.putFloat(padded + 4 * i, (float) d[i]);
        }
        break;
      }
      case INT64:
        out.asLongBuffer().put(a.longs());
        break;
      case INT32: {
        long[] l = a.longs();
        for (int i = 0; i < n; i++) {
          if (l[i] != (int) l[i]) {
            throw new IllegalArgumentException("element " + i + " = " + l[i]
                + " does not fit in int32");
          }
          out.putInt(padded + 4 * i, (int) l[i]);
        }
        break;
      }
      default:
        throw new AssertionError(a.dtype());
    }
    return out.array();
  }
}
