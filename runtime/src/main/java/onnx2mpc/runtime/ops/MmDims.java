package onnx2mpc.runtime.ops;

/**
 * The {@code mm} attribute of the mpc dialect: a is [batch?, m, k], b is [batch?, k, n], c is
 * [batch, m, n]; an operand without the batch axis is shared by every batch.
 */
public record MmDims(int batch, int m, int k, int n, boolean aBatched, boolean bBatched) {

  /** Parses the 6 ints of an {@code mm} attribute. */
  public static MmDims of(int[] v) {
    if (v.length != 6) {
      throw new IllegalArgumentException("mm: expected 6 ints, but found " + v.length);
    }
    return new MmDims(v[0], v[1], v[2], v[3], v[4] != 0, v[5] != 0);
  }

  public int aSize() {
    return (aBatched ? batch : 1) * m * k;
  }

  public int bSize() {
    return (bBatched ? batch : 1) * k * n;
  }

  public int cSize() {
    return batch * m * n;
  }

  /** c += a @ b. */
  public void mulAdd(long[] a, long[] b, long[] c) {
    check("a", a, aSize());
    check("b", b, bSize());
    check("c", c, cSize());
    Gemm.batchedMulAdd(a, aBatched, b, bBatched, c, batch, m, k, n);
  }

  /** Returns a @ b as a fresh array. */
  public long[] mul(long[] a, long[] b) {
    long[] c = new long[cSize()];
    mulAdd(a, b, c);
    return c;
  }

  private static void check(String what, long[] x, int size) {
    if (x == null || x.length != size) {
      throw new IllegalArgumentException("matmul: expected " + what + " of " + size
          + " words, but found " + (x == null ? "none" : x.length + ""));
    }
  }
}
