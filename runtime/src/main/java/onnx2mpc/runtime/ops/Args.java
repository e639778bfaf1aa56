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

  /**
   * Ring values passed as an INTS attribute of int pairs, high word first (lookup tables,
   * comparison thresholds), whose length prefix is at index {@code at}.
   */
  static long[] longPairs(int[] args, int at) {
    int ints = args[at];
    if (ints < 0 || ints % 2 != 0 || at + 1 + ints > args.length) {
      throw new IllegalArgumentException("expected ring values as int pairs at index " + at
          + ", but found a length of " + ints);
    }
    long[] v = new long[ints / 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = longAt(args, at + 1 + 2 * i);
    }
    return v;
  }

  /** Long attribute at a fixed index (high word first). */
  static long longAt(int[] args, int i) {
    return (long) args[i] << 32 | args[i + 1] & 0xFFFFFFFFL;
  }
}
