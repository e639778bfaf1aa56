package onnx2mpc.runtime.io;

import java.util.Arrays;

/**
 * An n-dimensional array as read from or written to a {@code .npy} file: element type, shape
 * (C order) and the elements, floats held as {@code double[]} (float32 values are exact in a
 * double) and integers as {@code long[]}.
 */
public final class NpyArray {
  /** The element types onnx2mpc reads and writes, with their numpy {@code descr}. */
  public enum DType {
    FLOAT32("<f4", 4, true),
    FLOAT64("<f8", 8, true),
    INT32("<i4", 4, false),
    INT64("<i8", 8, false);

    /** numpy's type string, little-endian. */
    public final String descr;
    /** Bytes per element. */
    public final int size;
    /** True for floating-point types (held as doubles). */
    public final boolean floating;

    DType(String descr, int size, boolean floating) {
      this.descr = descr;
      this.size = size;
      this.floating = floating;
    }

    /** The type with this numpy {@code descr}, or null. */
    public static DType ofDescr(String descr) {
      for (DType t : values()) {
        if (t.descr.equals(descr)) {
          return t;
        }
      }
      return null;
    }
  }

  private final DType dtype;
  private final int[] shape;
  private final double[] doubles;
  private final long[] longs;

  private NpyArray(DType dtype, int[] shape, double[] doubles, long[] longs) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.doubles = doubles;
    this.longs = longs;
    long n = elementCount(this.shape);
    int have = doubles != null ? doubles.length : longs.length;
    if (n != have) {
      throw new IllegalArgumentException("data: expected " + n + " elements for shape "
          + shapeString(shape) + ", but found " + have);
    }
  }

  /** A float64 or float32 array; float32 values are rounded to float when written. */
  public static NpyArray ofDoubles(DType dtype, int[] shape, double[] data) {
    if (!dtype.floating) {
      throw new IllegalArgumentException("dtype: expected a floating type, but found " + dtype);
    }
    return new NpyArray(dtype, shape, data, null);
  }

  /** A float64 array. */
  public static NpyArray ofDoubles(int[] shape, double[] data) {
    return ofDoubles(DType.FLOAT64, shape, data);
  }

  /** An int64 or int32 array; int32 values must fit in 32 bits when written. */
  public static NpyArray ofLongs(DType dtype, int[] shape, long[] data) {
    if (dtype.floating) {
      throw new IllegalArgumentException("dtype: expected an integer type, but found " + dtype);
    }
    return new NpyArray(dtype, shape, null, data);
  }

  /** An int64 array. */
  public static NpyArray ofLongs(int[] shape, long[] data) {
    return ofLongs(DType.INT64, shape, data);
  }

  public DType dtype() {
    return dtype;
  }

  /** The shape, C order; empty for a scalar. */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements (product of the shape; 1 for a scalar). */
  public int size() {
    return doubles != null ? doubles.length : longs.length;
  }

  /** The elements of a floating array (not a copy). */
  public double[] doubles() {
    if (doubles == null) {
      throw new IllegalStateException("array of " + dtype + " holds longs, not doubles");
    }
    return doubles;
  }

  /** The elements of an integer array (not a copy). */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("array of " + dtype + " holds doubles, not longs");
    }
    return longs;
  }

  /** Element i as a double, whatever the type (large int64 values lose precision). */
  public double getDouble(int i) {
    return doubles != null ? doubles[i] : longs[i];
  }

  /** Product of the dimensions; throws if negative or over {@code Integer.MAX_VALUE}. */
  public static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape: negative dimension in " + shapeString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape: " + shapeString(shape)
            + " has more than 2^31 - 1 elements");
      }
    }
    return n;
  }

  /** "[1, 3, 224, 224]", "[]" for a scalar; the form used in every shape message. */
  public static String shapeString(int[] shape) {
    return Arrays.toString(shape);
  }

  @Override
  public String toString() {
    return dtype + shapeString(shape);
  }
}
