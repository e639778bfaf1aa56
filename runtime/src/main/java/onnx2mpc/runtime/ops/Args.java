package onnx2mpc.runtime.ops;

/**
 * Reads a kernel's {@code int[]} arguments in order, following the encoding of
 * {@code onnx2mpc.ir.OpDef.Enc}: INT is one int, LONG two ints high word first, INTS a length
 * followed by that many ints.
 */
final class Args {
  private final int[] a;
  private int pos;

  Args(int[] args, int start) {
    this.a = args;
    this.pos = start;
  }

  int next() {
    if (pos >= a.length) {
      throw new IllegalArgumentException("expected an argument at index " + pos
          + ", but found only " + a.length + " arguments");
    }
    return a[pos++];
  }

  long nextLong() {
    long hi = next();
    long lo = next();
    return hi << 32 | lo & 0xFFFFFFFFL;
  }

  int[] nextInts() {
    int n = next();
    if (n < 0 || pos + n > a.length) {
      throw new IllegalArgumentException("expected " + n + " ints at index " + pos
          + ", but found " + (a.length - pos));
    }
    int[] v = java.util.Arrays.copyOfRange(a, pos, pos + n);
    pos += n;
    return v;
  }

  boolean hasMore() {
    return pos < a.length;
  }

  /** Long attribute at a fixed index (high word first). */
  static long longAt(int[] args, int i) {
    return (long) args[i] << 32 | args[i + 1] & 0xFFFFFFFFL;
  }
}
