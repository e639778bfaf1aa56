package onnx2mpc.frontend;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/** Decoding ONNX TensorProtos (initializers, Constant values) into {@link Tensor}s. */
final class OnnxTensors {
  static final int FLOAT = DataType.FLOAT_VALUE;
  static final int DOUBLE = DataType.DOUBLE_VALUE;
  static final int FLOAT16 = DataType.FLOAT16_VALUE;
  static final int BFLOAT16 = DataType.BFLOAT16_VALUE;
  static final int INT64 = DataType.INT64_VALUE;
  static final int INT32 = DataType.INT32_VALUE;
  static final int BOOL = DataType.BOOL_VALUE;

  private OnnxTensors() {}

  static boolean isFloat(int dt) {
    return dt == FLOAT || dt == DOUBLE || dt == FLOAT16 || dt == BFLOAT16;
  }

  static boolean isInteger(int dt) {
    return dt == INT64 || dt == INT32 || dt == DataType.INT16_VALUE || dt == DataType.INT8_VALUE
        || dt == DataType.UINT8_VALUE || dt == DataType.UINT16_VALUE
        || dt == DataType.UINT32_VALUE;
  }

  /** The element kind a tensor of ONNX type {@code dt} gets, or null if unsupported. */
  static Elem elemOf(int dt) {
    if (isFloat(dt)) {
      return Elem.FIXED;
    }
    if (isInteger(dt)) {
      return Elem.INT;
    }
    return dt == BOOL ? Elem.BIT : null;
  }

  static String typeName(int dt) {
    DataType t = DataType.forNumber(dt);
    return t == null ? "data type " + dt : t.name();
  }

  static Shape shapeOf(TensorProto t) {
    long[] dims = new long[t.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.getDims(i);
      if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
        throw new ConversionException(null, "tensor '" + t.getName() + "': expected dims in [0, "
            + Integer.MAX_VALUE + "], but found " + t.getDimsList());
      }
    }
    return Shape.of(dims);
  }

  /**
   * The data of {@code t} as reals (float types) or integers (integer types and bool).
   *
   * @throws ConversionException for external data, strings and other unsupported types
   */
  static Tensor decode(TensorProto t) {
    String what = "tensor '" + t.getName() + "'";
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new ConversionException(null, what + ": expected data inside the model, but it is"
          + " stored externally; save the model with the weights embedded");
    }
    Shape shape = shapeOf(t);
    int n = shape.size();
    int dt = t.getDataType();
    if (elemOf(dt) == null) {
      throw new ConversionException(null, what + ": expected a float, integer or bool tensor,"
          + " but found " + typeName(dt));
    }
    boolean raw = !t.getRawData().isEmpty() || n == 0;
    if (raw) {
      ByteBuffer bb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      int width = width(dt);
      if (bb.remaining() != (long) n * width) {
        throw new ConversionException(null, what + ": expected " + (long) n * width
            + " bytes of raw data for " + n + " " + typeName(dt) + " elements, but found "
            + bb.remaining());
      }
      if (isFloat(dt)) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = switch (width) {
            case 8 -> bb.getDouble();
            case 4 -> bb.getFloat();
            default -> dt == FLOAT16 ? halfToFloat(bb.getShort()) : bfloatToFloat(bb.getShort());
          };
        }
        return Tensor.reals(shape, d);
      }
      long[] l = new long[n];
      boolean unsigned = dt == DataType.UINT8_VALUE || dt == DataType.UINT16_VALUE
          || dt == DataType.UINT32_VALUE || dt == BOOL;
      for (int i = 0; i < n; i++) {
        l[i] = switch (width) {
          case 8 -> bb.getLong();
          case 4 -> unsigned ? Integer.toUnsignedLong(bb.getInt()) : bb.getInt();
          case 2 -> unsigned ? Short.toUnsignedLong(bb.getShort()) : bb.getShort();
          default -> unsigned ? Byte.toUnsignedLong(bb.get()) : bb.get();
        };
      }
      return Tensor.ints(shape, l);
    }
    int have;
    if (dt == FLOAT) {
      have = t.getFloatDataCount();
      check(what, n, have);
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = t.getFloatData(i);
      }
      return Tensor.reals(shape, d);
    }
    if (dt == DOUBLE) {
      check(what, n, t.getDoubleDataCount());
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = t.getDoubleData(i);
      }
      return Tensor.reals(shape, d);
    }
    if (dt == FLOAT16 || dt == BFLOAT16) {
      // ONNX stores 16-bit floats as their bit patterns in int32_data.
      check(what, n, t.getInt32DataCount());
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        short bits = (short) t.getInt32Data(i);
        d[i] = dt == FLOAT16 ? halfToFloat(bits) : bfloatToFloat(bits);
      }
      return Tensor.reals(shape, d);
    }
    long[] l = new long[n];
    if (dt == INT64) {
      check(what, n, t.getInt64DataCount());
      for (int i = 0; i < n; i++) {
        l[i] = t.getInt64Data(i);
      }
    } else if (dt == DataType.UINT32_VALUE) {
      check(what, n, t.getUint64DataCount());
      for (int i = 0; i < n; i++) {
        l[i] = t.getUint64Data(i);
      }
    } else {
      check(what, n, t.getInt32DataCount());
      for (int i = 0; i < n; i++) {
        l[i] = t.getInt32Data(i);
      }
    }
    return Tensor.ints(shape, l);
  }

  private static void check(String what, int n, int have) {
    if (n != have) {
      throw new ConversionException(null, what + ": expected " + n + " elements, but found "
          + have);
    }
  }

  private static int width(int dt) {
    if (dt == DOUBLE || dt == INT64) {
      return 8;
    }
    if (dt == FLOAT || dt == INT32 || dt == DataType.UINT32_VALUE) {
      return 4;
    }
    if (dt == FLOAT16 || dt == BFLOAT16 || dt == DataType.INT16_VALUE
        || dt == DataType.UINT16_VALUE) {
      return 2;
    }
    return 1;
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // Subnormal (or zero): mant * 2^-24.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  static float bfloatToFloat(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /**
   * Converts constant data to ONNX type {@code dt} (Cast folding): to integers by truncation
   * toward zero, to float32 by rounding, to bool by non-zero.
   */
  static Tensor cast(Tensor t, int dt) {
    if (isFloat(dt)) {
      double[] d = t.reals().clone();
      if (dt != DOUBLE) {
        for (int i = 0; i < d.length; i++) {
          // float16/bfloat16 casts are rounded to float32 only: close enough for constants.
          d[i] = (float) d[i];
        }
      }
      return Tensor.reals(t.shape(), d);
    }
    if (dt == BOOL) {
      double[] d = t.reals();
      long[] l = new long[d.length];
      for (int i = 0; i < l.length; i++) {
        l[i] = d[i] != 0 ? 1 : 0;
      }
      return Tensor.ints(t.shape(), l);
    }
    if (isInteger(dt)) {
      long[] l = t.isInt() ? t.ints().clone() : t.ints();
      if (dt == INT32) {
        for (int i = 0; i < l.length; i++) {
          l[i] = (int) l[i];
        }
      }
      return Tensor.ints(t.shape(), l);
    }
    throw new ConversionException("to", "expected a float, integer or bool target type, but"
        + " found " + typeName(dt));
  }
}
