package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/**
 * Binary (XOR-shared) circuits on bit-sliced words. A tensor of n elements has
 * blocks = ceil(n / 64); a sliced value with R rows is R * blocks words, word (r, j) at index
 * r * blocks + j, whose bit e is bit r of element 64 j + e. One AND gate on a word thus
 * evaluates 64 elements, and a prefix combination of bit positions runs over rows.
 */
public final class Bits {
  /** Masks of the six swap stages of the 64 x 64 bit-matrix transpose, largest block first. */
  private static final long[] MASKS = {
    0x00000000FFFFFFFFL, 0x0000FFFF0000FFFFL, 0x00FF00FF00FF00FFL,
    0x0F0F0F0F0F0F0F0FL, 0x3333333333333333L, 0x5555555555555555L
  };

  private Bits() {}

  /** Number of 64-element blocks of n elements. */
  public static int blocks(int n) {
    return (n + 63) >>> 6;
  }

  /**
   * Copies bits 0 .. count-1 of the packed row starting at word {@code from} of src into dst,
   * starting at bit {@code at} of the row starting at word {@code to} (the target bits are
   * ORed in, so they must be 0).
   */
  static void copyBits(long[] src, int from, int count, long[] dst, int to, long at) {
    int shift = (int) (at & 63);
    int base = to + (int) (at >>> 6);
    int words = blocks(count);
    for (int w = 0; w < words; w++) {
      long v = src[from + w];
      int bits = Math.min(64, count - 64 * w);
      if (bits < 64) {
        v &= (1L << bits) - 1;
      }
      dst[base + w] |= v << shift;
      if (shift != 0 && bits > 64 - shift) {
        dst[base + w + 1] |= v >>> (64 - shift);
      }
    }
  }

  /** Bit-slices n words into 64 rows: bit e of word (r, j) is bit r of x[64 j + e]. */
  public static long[] slice(long[] x, int n) {
    return slice(x, n, 64);
  }

  /** The first {@code rows} rows of {@link #slice(long[], int)}: bits 0 .. rows - 1. */
  public static long[] slice(long[] x, int n, int rows) {
    int blocks = blocks(n);
    long[] out = new long[rows * blocks];
    sliceInto(x, n, rows, 0, blocks, out, blocks, new long[64]);
    return out;
  }

  /**
   * Blocks j0 .. j0+count-1 of {@link #slice(long[], int, int)} into {@code out}, whose rows are
   * {@code stride} words apart: bit e of out[r * stride + j - j0] is bit r of x[64 j + e].
   * {@code tile} is 64 words of scratch.
   */
  static void sliceInto(long[] x, int n, int rows, int j0, int count, long[] out, int stride,
      long[] tile) {
    for (int j = j0; j < j0 + count; j++) {
      int len = Math.min(64, n - 64 * j);
      System.arraycopy(x, 64 * j, tile, 0, len);
      java.util.Arrays.fill(tile, len, 64, 0L);
      transpose64(tile);
      for (int r = 0; r < rows; r++) {
        out[r * stride + j - j0] = tile[r];
      }
    }
  }

  /**
   * Transposes a 64 x 64 bit matrix in place, where row i is m[i] and column j is bit j: after
   * the call bit j of m[i] is the former bit i of m[j]. Six stages swap the off-diagonal blocks
   * of size 32, 16, ..., 1 (Warren, Hacker's Delight, 2nd ed., section 7-3).
   */
  public static void transpose64(long[] m) {
    for (int stage = 0, s = 32; stage < 6; stage++, s >>>= 1) {
      long mask = MASKS[stage];
      for (int i = 0; i < 64; i = (i + s + 1) & ~s) {
        // Bits [s, 2s) of row i trade places with bits [0, s) of row i + s.
        long t = ((m[i] >>> s) ^ m[i + s]) & mask;
        m[i + s] ^= t;
        m[i] ^= t << s;
      }
    }
  }

  /** mpc.xor_bb [out, a, b]: a ^ b. */
  public static void xorBB(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    long[] b = ctx.buf[args[2]];
    Arith.check("xor_bb", a, b);
    long[] out = new long[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] ^ b[i];
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.not_b [out, a]: ~a; party 0 flips its share, which flips the shared value. */
  public static void notB(Ctx ctx, int[] args) {
    long[] a = ctx.buf[args[1]];
    if (ctx.party != 0) {
      ctx.buf[args[0]] = a.clone();
      return;
    }
    long[] out = new long[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ~a[i];
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.and_multi_finish [out, e, a, products, words, m, subsets, terms]: products of many
   * XOR-shared operands in one round (the multi-input generalisation of Beaver's AND). With
   * x_i = e_i ^ a_i, AND_{i in T} x_i = XOR over S subset of T of (AND_{i in T\S} e_i) & a_S,
   * where a_S is the dealer's product of the masks in S (a single mask when |S| = 1) and the
   * S = {} term, AND of the public e's, is added by party 0 alone.
   */
  public static void andMultiFinish(Ctx ctx, int[] args) {
    long[] e = ctx.buf[args[1]];
    long[] a = ctx.buf[args[2]];
    long[] prod = ctx.buf[args[3]];
    Args in = new Args(args, 4);
    int words = in.next();
    int m = in.next();
    int[] subsets = in.nextInts();
    int[] terms = in.nextInts();
    ctx.buf[args[0]] = AndMulti.finish(ctx.party == 0, e, a, prod, words, m, subsets, terms);
  }

  /** mpc.rows [out, in, blocks, start, step, count]: rows start + i step for i < count. */
  public static void rows(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    int blocks = args[2];
    int start = args[3];
    int step = args[4];
    int count = args[5];
    int rows = in.length / blocks;
    int last = start + (count - 1) * step;
    if (in.length % blocks != 0 || count > 0 && (start < 0 || start >= rows || last < 0
        || last >= rows)) {
      throw new IllegalArgumentException("rows: expected rows within [0, " + rows
          + ") of blocks " + blocks + ", but found start " + start + " and last " + last);
    }
    long[] out = new long[count * blocks];
    for (int i = 0; i < count; i++) {
      System.arraycopy(in, (start + i * step) * blocks, out, i * blocks, blocks);
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.concat_rows [out, count, in_1 .. in_count, blocks]: rows one after another. */
  public static void concatRows(Ctx ctx, int[] args) {
    int count = args[1];
    int blocks = args[2 + count];
    int total = 0;
    for (int i = 0; i < count; i++) {
      long[] in = ctx.buf[args[2 + i]];
      if (in.length % blocks != 0) {
        throw new IllegalArgumentException("concat_rows: expected a multiple of " + blocks
            + " words in operand " + i + ", but found " + in.length);
      }
      total += in.length;
    }
    long[] out = new long[total];
    int off = 0;
    for (int i = 0; i < count; i++) {
      long[] in = ctx.buf[args[2 + i]];
      System.arraycopy(in, 0, out, off, in.length);
      off += in.length;
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.bitmul_finish [out, c, x, xr, n]: with c = b ^ r opened (one packed row), [x] and [x r]
   * arithmetic, x b = x (c + r - 2 c r) = c x + (1 - 2 c) x r, at every party (no public term).
   */
  public static void bitMulFinish(Ctx ctx, int[] args) {
    long[] c = ctx.buf[args[1]];
    long[] x = ctx.buf[args[2]];
    long[] xr = ctx.buf[args[3]];
    int n = args[4];
    if (c.length < blocks(n) || x.length != n || xr.length != n) {
      throw new IllegalArgumentException("bitmul_finish: expected " + blocks(n) + " packed words"
          + " and twice " + n + " shares, but found " + c.length + ", " + x.length + " and "
          + xr.length);
    }
    long[] out = new long[n];
    for (int e = 0; e < n; e++) {
      long ce = c[e >>> 6] >>> (e & 63) & 1;
      out[e] = ce * x[e] + (1 - 2 * ce) * xr[e];
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.b2a_finish [out, c, r, n]: with c = b ^ r opened (one packed row) and [r] arithmetic,
   * b = c + r - 2 c r (c and r bits), so party 0 adds c_e and everyone adds (1 - 2 c_e) r_e.
   */
  public static void b2aFinish(Ctx ctx, int[] args) {
    long[] c = ctx.buf[args[1]];
    long[] r = ctx.buf[args[2]];
    int n = args[3];
    if (c.length < blocks(n) || r.length != n) {
      throw new IllegalArgumentException("b2a_finish: expected " + blocks(n) + " packed words"
          + " and " + n + " shares, but found " + c.length + " and " + r.length);
    }
    long[] out = new long[n];
    boolean p0 = ctx.party == 0;
    for (int e = 0; e < n; e++) {
      long ce = c[e >>> 6] >>> (e & 63) & 1;
      out[e] = (1 - 2 * ce) * r[e] + (p0 ? ce : 0);
    }
    ctx.buf[args[0]] = out;
  }
}
