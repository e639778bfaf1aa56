package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

/**
 * Comparison with a dealer mask whose bits the dealer knows. The parties open
 * c = x + 2^(k-1) + r for a uniform r; for |x| < 2^(k-1), x >= 0 exactly when bit k-1 of
 * (c - r) mod 2^k is 1, and that bit is c_{k-1} ^ r_{k-1} ^ [c' < r'], where c' and r' are the
 * low k - 1 bits (the borrow into bit k-1). The less-than of public c' and secret r' is the
 * usual prefix combination of per-bit (less, equal) pairs, run over groups of bits.
 *
 * <p>Within a group of s bits, with c public, both G = [c_g < r_g] and E = [c_g == r_g] are
 * polynomials in r's bits whose coefficients depend only on c. The dealer deals XOR shares of
 * every monomial of each group's bits (2^s - 1 of them), so G and E of every group cost no
 * communication: the first level of the prefix tree is local, and only the combination of the
 * groups' (G, E) pairs needs AND gates. Masked comparison of this kind is the Rabbit protocol's
 * (Makri et al., "Rabbit: Efficient Comparison for Secure Multi-Party Computation", FC 2021);
 * dealing the monomials is what makes the first level free.
 *
 * <p>Monomial rows (bit-sliced, see {@link Bits}): group by group over bits 0 .. k-2, each
 * group's nonempty subsets S in increasing bitmask order (row of S = AND of r's bits in S), then
 * one row with bit k-1 of r.
 */
public final class Compare {
  /** Words of c bit-sliced at a time by {@link #leaves}: k rows of them fit in L1 or L2. */
  private static final int CHUNK = 64;

  private Compare() {}

  /** Sizes of the groups over bits 0 .. k-2: all {@code group} bits, the last one fewer. */
  public static int[] groupSizes(int k, int group) {
    if (k < 2 || k > 64 || group < 1 || group > 8) {
      throw new IllegalArgumentException("compare: expected 2 <= k <= 64 and 1 <= group <= 8,"
          + " but found k = " + k + ", group = " + group);
    }
    int bits = k - 1;
    int[] sizes = new int[(bits + group - 1) / group];
    for (int g = 0; g < sizes.length; g++) {
      sizes[g] = Math.min(group, bits - g * group);
    }
    return sizes;
  }

  /** Rows of the dealer's monomials: sum over groups of 2^s - 1, plus the row of bit k-1. */
  public static int monomialRows(int k, int group) {
    int rows = 1;
    for (int s : groupSizes(k, group)) {
      rows += (1 << s) - 1;
    }
    return rows;
  }

  /** The dealer's plaintext monomial rows of the n values r. */
  static long[] monomials(long[] r, int n, int k, int group) {
    int blocks = Bits.blocks(n);
    long[] bits = Bits.slice(r, n, k);
    long[] out = new long[monomialRows(k, group) * blocks];
    int lo = 0;
    int base = 0;
    for (int s : groupSizes(k, group)) {
      for (int set = 1; set < 1 << s; set++) {
        int high = 31 - Integer.numberOfLeadingZeros(set);
        int rest = set & ~(1 << high);
        int dst = (base + set - 1) * blocks;
        int bit = (lo + high) * blocks;
        if (rest == 0) {
          System.arraycopy(bits, bit, out, dst, blocks);
        } else {
          // AND over the set = AND over the set without its highest bit, & that bit.
          int src = (base + rest - 1) * blocks;
          for (int w = 0; w < blocks; w++) {
            out[dst + w] = out[src + w] & bits[bit + w];
          }
        }
      }
      lo += s;
      base += (1 << s) - 1;
    }
    System.arraycopy(bits, (k - 1) * blocks, out, base * blocks, blocks);
    return out;
  }

  /**
   * mpc.compare_leaves [out, c, monomials, n, k, group]: from the opened c and the shares of
   * the monomials, XOR shares of rows [G_0 .. G_{g-1}, E_0 .. E_{g-1}, top] with G_i, E_i the
   * less-than and equality of group i of c's and r's low bits, and top = c_{k-1} ^ r_{k-1}.
   */
  public static void leaves(Ctx ctx, int[] args) {
    ctx.buf[args[0]] = leaves(ctx.buf[args[1]], ctx.buf[args[2]], args[3], args[4], args[5],
        ctx.party == 0);
  }

  /**
   * mpc.compare_leaves_multi [out, c, monomials, n, k, group, thresholds...]: the leaves of
   * {@link #leaves(Ctx, int[])} for c - theta_j, for every threshold theta_j (int pairs, high
   * word first), stacked as J n elements (element j n + e compares x_e - theta_j with 0). One
   * opening and one set of monomials serve every threshold: with c = x + 2^(k-1) + r, c -
   * theta_j is the opening of x - theta_j under the same r.
   */
  public static void leavesMulti(Ctx ctx, int[] args) {
    long[] c = ctx.buf[args[1]];
    long[] mono = ctx.buf[args[2]];
    int n = args[3];
    int k = args[4];
    int group = args[5];
    long[] thresholds = Args.longPairs(args, 6);
    int count = thresholds.length;
    if (c == null || c.length != n || count == 0) {
      throw new IllegalArgumentException("compare_leaves_multi: expected " + n + " opened words"
          + " and at least one threshold, but found " + (c == null ? "none" : c.length)
          + " words and " + count + " thresholds");
    }
    int rows = 2 * groupSizes(k, group).length + 1;
    int blocks = Bits.blocks(n);
    int stacked = Bits.blocks(count * n);
    long[] out = new long[rows * stacked];
    long[] cj = new long[n];
    for (int j = 0; j < count; j++) {
      long theta = thresholds[j];
      for (int e = 0; e < n; e++) {
        cj[e] = c[e] - theta;
      }
      long[] lj = leaves(cj, mono, n, k, group, ctx.party == 0);
      for (int row = 0; row < rows; row++) {
        Bits.copyBits(lj, row * blocks, n, out, row * stacked, (long) j * n);
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** The leaves of n opened values c against the monomials of r (see the op's description). */
  static long[] leaves(long[] c, long[] mono, int n, int k, int group, boolean party0) {
    int[] sizes = groupSizes(k, group);
    int blocks = Bits.blocks(n);
    if (c.length != n || mono.length != monomialRows(k, group) * blocks) {
      throw new IllegalArgumentException("compare_leaves: expected " + n + " opened words and "
          + monomialRows(k, group) * blocks + " monomial words, but found " + c.length + " and "
          + mono.length);
    }
    int g = sizes.length;
    long[] out = new long[(2 * g + 1) * blocks];
    // Per chunk of words: the equality coefficients of every monomial, a row of CHUNK words each.
    long[] ec = new long[(1 << group) * CHUNK];
    // c is bit-sliced a chunk of words at a time, into a buffer that stays in cache.
    long[] cb = new long[k * CHUNK];
    long[] tile = new long[64];
    int top = 2 * g * blocks;
    for (int w0 = 0; w0 < blocks; w0 += CHUNK) {
      int words = Math.min(CHUNK, blocks - w0);
      Bits.sliceInto(c, n, k, w0, words, cb, CHUNK, tile);
      int lo = 0;
      int base = 0;
      for (int i = 0; i < g; i++) {
        int s = sizes[i];
        int full = (1 << s) - 1;
        equalityCoefficients(cb, lo, s, words, ec);
        // G's coefficient of r_S is E's of r_{S-1} (see equalityCoefficients); E's constant
        // term is public, so party 0 adds it to its XOR share; G has none.
        int gOut = i * blocks + w0;
        int eOut = (g + i) * blocks + w0;
        for (int x = 0; x < words; x++) {
          out[eOut + x] = party0 ? ec[x] : 0;
        }
        for (int set = 1; set <= full; set++) {
          int row = (base + set - 1) * blocks + w0;
          int lower = (set - 1) * CHUNK;
          int same = set * CHUNK;
          for (int x = 0; x < words; x++) {
            long m = mono[row + x];
            out[gOut + x] ^= ec[lower + x] & m;
            out[eOut + x] ^= ec[same + x] & m;
          }
        }
        lo += s;
        base += full;
      }
      for (int x = 0; x < words; x++) {
        out[top + w0 + x] = mono[base * blocks + w0 + x] ^ (party0 ? cb[(k - 1) * CHUNK + x] : 0);
      }
    }
    return out;
  }

  /**
   * The coefficients of E = [c == r] on bits lo .. lo+s-1, over the monomials r_S of those bits
   * of r, for the sliced chunk cb: row S (subset bitmask) of ec holds them for the chunk's
   * words. With a_j = ~c_j, bit j's
   * equality is a_j ^ r_j, so E = prod_j (a_j ^ r_j) and the coefficient of r_S is the AND of
   * a_j over the bits j not in S.
   *
   * <p>The less-than G = [c < r] = sum_j a_j r_j prod_{h > j} (a_h ^ r_h) needs no table of its
   * own: its monomial r_S comes only from j = m, the lowest bit of S, with coefficient
   * a_m AND a_h over the h > m not in S, which is E's coefficient of S - 1 (S without m, and
   * every bit below m). So G = sum_{S != 0} E_coef[S - 1] r_S.
   */
  static void equalityCoefficients(long[] cb, int lo, int s, int words, long[] ec) {
    int full = (1 << s) - 1;
    java.util.Arrays.fill(ec, full * CHUNK, full * CHUNK + words, -1L);
    for (int set = full - 1; set >= 0; set--) {
      int j = Integer.numberOfTrailingZeros(~set); // the lowest bit not in the set
      int from = (set | 1 << j) * CHUNK;
      int to = set * CHUNK;
      int bit = (lo + j) * CHUNK;
      for (int x = 0; x < words; x++) {
        ec[to + x] = ec[from + x] & ~cb[bit + x];
      }
    }
  }

}
