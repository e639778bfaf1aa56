package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/**
 * Public lookup tables on a small secret integer v, by a one-hot code of the dealer's mask
 * (as in Dessouky et al. 2017, "Pushing the communication barrier in secure computation using
 * lookup tables", and the one-hot tables of later work): the parties open c = v + r, where the
 * dealer's r is uniform in the ring, and hold arithmetic shares of e_u = [r mod 2^b == u] for
 * u < 2^b. Since (c - r) mod 2^b depends on the low b bits only, v mod 2^b = j exactly when
 * r mod 2^b = (c - j) mod 2^b, so
 *
 * <pre>
 *   T[v mod 2^b] = sum_u e_u T[(c - u) mod 2^b],
 * </pre>
 *
 * a public linear combination of the shares: every party evaluates it on its own shares, and
 * the results are shares of the table entry. c reveals nothing about v (r is uniform and used
 * once); values of v outside the table's window alias modulo 2^b, so callers bound v first.
 */
public final class Lut {
  private Lut() {}

  /**
   * mpc.lut [out, c, code, n, bits, tableLength, table...]: out[e] = sum_u code[u][e] T[(c[e]
   * - u) mod 2^bits] with T given as 2^bits int pairs (high word first).
   */
  public static void apply(Ctx ctx, int[] args) {
    long[] c = ctx.buf[args[1]];
    long[] code = ctx.buf[args[2]];
    int n = args[3];
    int bits = args[4];
    long[] table = table(args, 5, bits);
    ctx.buf[args[0]] = apply(c, code, n, bits, table);
  }

  /** The lookup of {@link #apply(Ctx, int[])} on plain arrays. */
  public static long[] apply(long[] c, long[] code, int n, int bits, long[] table) {
    int size = 1 << bits;
    if (c == null || c.length != n || code == null || code.length != (long) size * n
        || table.length != size) {
      throw new IllegalArgumentException("lut: expected " + n + " opened words, a one-hot code"
          + " of " + size + " x " + n + " words and " + size + " table entries, but found "
          + (c == null ? "none" : c.length) + ", " + (code == null ? "none" : code.length)
          + " and " + table.length);
    }
    long[] out = new long[n];
    int mask = size - 1;
    // Row u of the code meets entry (c - u) mod 2^bits: rows outer, so each pass streams one
    // row of the code and the output.
    for (int u = 0; u < size; u++) {
      int row = u * n;
      for (int e = 0; e < n; e++) {
        out[e] += code[row + e] * table[(int) (c[e] - u) & mask];
      }
    }
    return out;
  }

  /** The one-hot code of r mod 2^bits, [2^bits, n]: entry [u][e] = [r[e] mod 2^bits == u]. */
  static long[] oneHot(long[] r, int bits) {
    int n = r.length;
    long[] code = new long[(1 << bits) * n];
    int mask = (1 << bits) - 1;
    for (int e = 0; e < n; e++) {
      code[((int) r[e] & mask) * n + e] = 1;
    }
    return code;
  }

  /** The table of an argument list: 2^bits ring values as int pairs (see Args.longPairs). */
  static long[] table(int[] args, int at, int bits) {
    long[] t = Args.longPairs(args, at);
    if (t.length != 1 << bits) {
      throw new IllegalArgumentException("lut: expected a table of " + (1 << bits)
          + " entries, but found " + t.length);
    }
    return t;
  }

}
