package onnx2mpc.frontend;

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
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): little-endian float32, float64,
 * int64 and int32 (also int8/uint8/int16/uint16 and bool on reading), C order. Floats read as
 * real tensors, integers as integer tensors.
 *
 * <p>Format: magic {@code \x93NUMPY}, major and minor version bytes, header length (2 bytes in
 * 1.0, 4 bytes in 2.0/3.0, little-endian), then a Python dict literal with keys descr,
 * fortran_order and shape, padded with spaces and a newline so that the data starts at a
 * multiple of 64 bytes.
 */
public final class Npy {
  /** Element types {@link #write(Path, Tensor, Dtype)} can produce. */
  public enum Dtype {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8),
    INT32("<i4", 4),
    INT64("<i8", 8);

    final String descr;
    final int width;

    Dtype(String descr, int width) {
      this.descr = descr;
      this.width = width;
    }
  }

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(\\w+)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * Reads an .npy file.
   *
   * @throws IOException naming the file: unreadable, bad magic or header, Fortran order,
   *     unsupported or big-endian dtype, or truncated data
   */
  public static Tensor read(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length < 10 || !startsWithMagic(b)) {
      throw new IOException(file + ": expected an .npy file starting with \\x93NUMPY, but"
          + " found " + (b.length < 6 ? b.length + " bytes" : "other bytes"));
    }
    int major = b[6] & 0xff;
    int headerLen;
    int dataStart;
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      headerLen = bb.getShort(8) & 0xffff;
      dataStart = 10 + headerLen;
    } else if (major == 2 || major == 3) {
      if (b.length < 12) {
        throw new IOException(file + ": expected a 4-byte header length, but the file ends");
      }
      headerLen = bb.getInt(8);
      dataStart = 12 + headerLen;
    } else {
      throw new IOException(file + ": expected .npy format version 1, 2 or 3, but found "
          + major + "." + (b[7] & 0xff));
    }
    if (headerLen < 0 || dataStart > b.length) {
      throw new IOException(file + ": expected a header of " + headerLen + " bytes, but the"
          + " file has only " + b.length + " bytes");
    }
    String header = new String(b, dataStart - headerLen, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, file, "descr");
    String fortran = group(FORTRAN, header, file, "fortran_order");
    if (!fortran.equals("False")) {
      throw new IOException(file + ": expected fortran_order False (C order), but found "
          + fortran + "; save with np.ascontiguousarray");
    }
    Shape shape = parseShape(group(SHAPE, header, file, "shape"), file);
    char order = descr.isEmpty() ? '?' : descr.charAt(0);
    String kind = descr.length() > 1 ? descr.substring(1) : descr;
    if (order == '>' && !kind.equals("i1") && !kind.equals("u1") && !kind.equals("b1")) {
      throw new IOException(file + ": expected little-endian data, but found dtype '" + descr
          + "'; convert with arr.astype(arr.dtype.newbyteorder('<'))");
    }
    if (order != '<' && order != '|' && order != '=' && order != '>') {
      throw unsupported(file, descr);
    }
    int width = switch (kind) {
      case "f8", "i8" -> 8;
      case "f4", "i4" -> 4;
      case "i2", "u2" -> 2;
      case "i1", "u1", "b1" -> 1;
      default -> throw unsupported(file, descr);
    };
    int n = shape.size();
    long need = (long) n * width;
    if (b.length - dataStart < need) {
      throw new IOException(file + ": expected " + need + " bytes of data for shape " + shape
          + " and dtype '" + descr + "', but found " + (b.length - dataStart));
    }
    bb.position(dataStart);
    if (kind.startsWith("f")) {
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = width == 8 ? bb.getDouble() : bb.getFloat();
      }
      return Tensor.reals(shape, d);
    }
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = switch (kind) {
        case "i8" -> bb.getLong();
        case "i4" -> bb.getInt();
        case "i2" -> bb.getShort();
        case "u2" -> bb.getShort() & 0xffff;
        case "i1" -> bb.get();
        default -> bb.get() & 0xff;
      };
    }
    return Tensor.ints(shape, l);
  }

  private static IOException unsupported(Path file, String descr) {
    return new IOException(file + ": expected dtype float32 ('<f4'), float64 ('<f8'), int64"
        + " ('<i8') or int32 ('<i4'), but found '" + descr + "'");
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String group(Pattern p, String header, Path file, String key)
      throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(file + ": expected key '" + key + "' in the .npy header, but found "
          + header.trim());
    }
    return m.group(1);
  }

  private static Shape parseShape(String text, Path file) throws IOException {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.endsWith("L")) {
        t = t.substring(0, t.length() - 1); // Python 2 longs
      }
      try {
        dims.add(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new IOException(file + ": expected integer dims in the shape, but found '("
            + text + ")'");
      }
    }
    try {
      return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage());
    }
  }

  /** Writes {@code t} losslessly: float64 for real data, int64 for integers. */
  public static void write(Path file, Tensor t) throws IOException {
    write(file, t, t.isInt() ? Dtype.INT64 : Dtype.FLOAT64);
  }

  /**
   * Writes {@code t} as {@code dtype} (version 1.0, or 2.0 if the header needs it). Reals
   * written as integers are rounded to the nearest; float32 rounds to nearest float.
   */
  public static void write(Path file, Tensor t, Dtype dtype) throws IOException {
    StringBuilder shape = new StringBuilder("(");
    for (int d : t.shape().dims()) {
      shape.append(d).append(", ");
    }
    if (t.shape().rank() > 1) {
      shape.setLength(shape.length() - 2);
    } else if (t.shape().rank() == 1) {
      shape.setLength(shape.length() - 1); // numpy writes (5,)
    }
    shape.append(')');
    String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': " + shape
        + ", }";
    int pre = 10;
    int total = ((pre + dict.length() + 1 + 63) / 64) * 64;
    boolean v2 = total - pre > 0xffff;
    if (v2) {
      pre = 12;
      total = ((pre + dict.length() + 1 + 63) / 64) * 64;
    }
    int headerLen = total - pre;
    String header = dict + " ".repeat(headerLen - dict.length() - 1) + "\n";
    int n = t.size();
    ByteBuffer bb = ByteBuffer.allocate(total + n * dtype.width).order(ByteOrder.LITTLE_ENDIAN);
    bb.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
    if (v2) {
      bb.putInt(headerLen);
    } else {
      bb.putShort((short) headerLen);
    }
    bb.put(header.getBytes(StandardCharsets.ISO_8859_1));
    try {
      if (t.isInt()) {
        for (long v : t.ints()) {
          put(bb, dtype, v, v);
        }
      } else {
        for (double v : t.reals()) {
          put(bb, dtype, v, Math.round(v));
        }
      }
    } catch (ArithmeticException e) {
      throw new IOException(file + ": expected values that fit " + dtype + ", but found one"
          + " that does not", e);
    }
    Files.write(file, bb.array());
  }

  private static void put(ByteBuffer bb, Dtype dt, double real, long integer) {
    switch (dt) {
      case FLOAT32 -> bb.putFloat((float) real);
      case FLOAT64 -> bb.putDouble(real);
      case INT32 -> bb.putInt(Math.toIntExact(integer));
      case INT64 -> bb.putLong(integer);
    }
  }
}
