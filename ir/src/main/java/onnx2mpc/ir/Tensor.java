package onnx2mpc.ir;

import java.util.Arrays;

/**
 * Plaintext constant data known at compile time: an ONNX initializer, a folded shape
 * computation, or a test input. Real-valued data is held as doubles, integer data as longs.
 */
public final class Tensor {
  private final Shape shape;
  private final double[] reals;
  private final long[] ints;

  private Tensor(Shape shape, double[] reals, long[] ints) {
    int n = reals != null ? reals.length : ints.length;
    if (n != shape.size()) {
      throw new IllegalArgumentException(
          "expected " + shape.size() + " elements for shape " + shape + ", but found " + n);
    }
    this.shape = shape;
    this.reals = reals;
    this.ints = ints;
  }

  public static Tensor reals(Shape shape, double[] data) {
    return new Tensor(shape, data, null);
  }

  public static Tensor ints(Shape shape, long[] data) {
    return new Tensor(shape, null, data);
  }

  public static Tensor scalar(double v) {
    return reals(Shape.SCALAR, new double[] {v});
  }

  public Shape shape() {
    return shape;
  }

  public boolean isInt() {
    return ints != null;
  }

  public int size() {
    return shape.size();
  }

  /** The data as doubles (integers converted). */
  public double[] reals() {
    if (reals != null) {
      return reals;
    }
    double[] d = new double[ints.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = ints[i];
    }
    return d;
  }

  /** The data as longs; real data must hold integral values. */
  public long[] ints() {
    if (ints != null) {
      return ints;
    }
    long[] l = new long[reals.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (long) reals[i];
    }
    return l;
  }

  public Tensor reshape(Shape s) {
    return new Tensor(s, reals, ints);
  }

  @Override
  public String toString() {
    String body = ints != null
        ? Arrays.toString(Arrays.copyOf(ints, Math.min(8, ints.length)))
        : Arrays.toString(Arrays.copyOf(reals, Math.min(8, reals.length)));
    return "tensor" + shape + (ints != null ? " int " : " real ") + body
        + (size() > 8 ? "..." : "");
  }
}
