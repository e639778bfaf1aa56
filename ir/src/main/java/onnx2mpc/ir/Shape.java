package onnx2mpc.ir;

import java.util.Arrays;

/** A static tensor shape. Every dimension is known at compile time. */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "expected non-negative dimensions, but found " + Arrays.toString(dims));
      }
    }
    this.dims = dims;
  }

  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  public static Shape of(long... dims) {
    int[] d = new int[dims.length];
    for (int i = 0; i < d.length; i++) {
      if (dims[i] > Integer.MAX_VALUE || dims[i] < 0) {
        throw new IllegalArgumentException("dimension out of range: " + Arrays.toString(dims));
      }
      d[i] = (int) dims[i];
    }
    return new Shape(d);
  }

  public static final Shape SCALAR = new Shape(new int[0]);

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  public int[] dims() {
    return dims.clone();
  }

  public long[] longDims() {
    long[] d = new long[dims.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = dims[i];
    }
    return d;
  }

  /** Number of elements; the product of the dimensions (1 for a scalar). */
  public int size() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor too large: " + this);
    }
    return (int) n;
  }

  /** Row-major strides in elements. */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
