package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Prg;

/**
 * The dealer's end of {@link Dealer}: same method names and arguments (slot ints ignored). It
 * rebuilds each random component as the sum (or XOR) of what the parties expand from their
 * seeds, computes the correlated value, and sends party 0 the value minus parties 1..n-1's
 * expanded shares of it. The dealer must call these in the program's correlation order, since
 * party 0 receives the corrections in that order.
 */
public final class DealerSide {
  private DealerSide() {}

  /** mpc.dealer.triple [a, b, c, corr, kind, dims]: c = a * b, a @ b or conv(a, b). */
  public static void triple(DealerSession s, int[] args) {
    Args in = new Args(args, 3);
    long corr = in.next();
    int kind = in.next();
    int[] dims = in.nextInts();
    int[] sizes = TripleKind.sizes(kind, dims);
    long[] a = sum(s, corr, 0, sizes[0], 0);
    long[] b = sum(s, corr, 1, sizes[1], 0);
    long[] c = TripleKind.product(kind, dims, a, b);
    s.sendToParty0(corr, minusOthers(s, corr, 2, c));
  }

  /** mpc.dealer.square [a, c, corr, n]: c = a * a. */
  public static void square(DealerSession s, int[] args) {
    long corr = args[2];
    long[] a = sum(s, corr, 0, args[3], 0);
    for (int i = 0; i < a.length; i++) {
      a[i] *= a[i];
    }
    s.sendToParty0(corr, minusOthers(s, corr, 1, a));
  }

  /**
   * mpc.dealer.owner_triple [a, b, c, corr, kind, dims, owner]: a = sum of the non-owners'
   * expansions, b = the owner's expansion (the same in every repetition, see
   * {@link Dealer#ownerTriple}), c = a * b corrected at party 0.
   */
  public static void ownerTriple(DealerSession s, int[] args) {
    Args in = new Args(args, 3);
    long corr = in.next();
    int kind = in.next();
    int[] dims = in.nextInts();
    int owner = in.next();
    int[] sizes = TripleKind.sizes(kind, dims);
    long[] a = new long[sizes[0]];
    long[] t = new long[sizes[0]];
    for (int p = 0; p < s.parties(); p++) {
      if (p != owner) {
        s.partyPrg(p, corr, 0).fill(t);
        for (int i = 0; i < t.length; i++) {
          a[i] += t[i];
        }
      }
    }
    long[] b = s.partyPrgOnce(owner, corr, 1).next(sizes[1]);
    long[] c = TripleKind.product(kind, dims, a, b);
    s.sendToParty0(corr, minusOthers(s, corr, 2, c));
  }

  /**
   * mpc.dealer.and_multi [masks, products, corr, words, m, subsets]: products of the masks over
   * each subset, party 0's share corrected.
   */
  public static void andMulti(DealerSession s, int[] args) {
    Args in = new Args(args, 2);
    long corr = in.next();
    int words = in.next();
    int m = in.next();
    int[] subsets = in.nextInts();
    long[] masks = xor(s, corr, 0, m * words);
    long[] prod = new long[subsets.length * words];
    for (int t = 0; t < subsets.length; t++) {
      int off = t * words;
      java.util.Arrays.fill(prod, off, off + words, -1L);
      for (int i = 0; i < m; i++) {
        if ((subsets[t] >>> i & 1) != 0) {
          for (int w = 0; w < words; w++) {
            prod[off + w] &= masks[i * words + w];
          }
        }
      }
    }
    s.sendToParty0(corr, xorOthers(s, corr, 1, prod));
  }

  /** mpc.dealer.bit [rBin, rArith, corr, n]: r_arith[e] = bit e of the packed r_bin. */
  public static void bit(DealerSession s, int[] args) {
    long corr = args[2];
    int n = args[3];
    long[] bits = xor(s, corr, 0, Bits.blocks(n));
    long[] r = new long[n];
    for (int e = 0; e < n; e++) {
      r[e] = bits[e >>> 6] >>> (e & 63) & 1;
    }
    s.sendToParty0(corr, minusOthers(s, corr, 1, r));
  }

  /**
   * mpc.dealer.bit_mul [rBin, rArith, a, ar, corr, n]: r from the parties' packed shares, a from
   * their arithmetic shares; party 0 gets [r_arith | a r] corrected.
   */
  public static void bitMul(DealerSession s, int[] args) {
    long corr = args[4];
    int n = args[5];
    long[] bits = xor(s, corr, 0, Bits.blocks(n));
    long[] a = sum(s, corr, 2, n, 0);
    long[] r = new long[n];
    long[] ar = new long[n];
    for (int e = 0; e < n; e++) {
      r[e] = bits[e >>> 6] >>> (e & 63) & 1;
      ar[e] = a[e] * r[e];
    }
    s.sendToParty0(corr, concat(minusOthers(s, corr, 1, r), minusOthers(s, corr, 3, ar)));
  }

  /** mpc.dealer.compare [r, monomials, corr, n, k, group]: party 0 gets the monomials. */
  public static void compare(DealerSession s, int[] args) {
    long corr = args[2];
    int n = args[3];
    long[] r = sum(s, corr, 0, n, 0);
    s.sendToParty0(corr, xorOthers(s, corr, 1, Compare.monomials(r, n, args[4], args[5])));
  }

  /**
   * mpc.dealer.compare_mul [r, monomials, rhoBin, rhoArith, aRho, corr, n, k, group]: party 0
   * gets [monomials | rho_arith | a rho] with a = -(r + 2^(k-1)).
   */
  public static void compareMul(DealerSession s, int[] args) {
    long corr = args[5];
    int n = args[6];
    int k = args[7];
    long[] r = sum(s, corr, 0, n, 0);
    long[] mono = xorOthers(s, corr, 1, Compare.monomials(r, n, k, args[8]));
    long[] bits = xor(s, corr, 2, Bits.blocks(n));
    long[] rho = new long[n];
    long[] aRho = new long[n];
    long offset = 1L << (k - 1);
    for (int e = 0; e < n; e++) {
      rho[e] = bits[e >>> 6] >>> (e & 63) & 1;
      aRho[e] = -(r[e] + offset) * rho[e];
    }
    s.sendToParty0(corr, concat(mono, minusOthers(s, corr, 3, rho),
        minusOthers(s, corr, 4, aRho)));
  }

  /** mpc.dealer.onehot [r, code, corr, n, bits]: party 0 gets r's one-hot code, corrected. */
  public static void onehot(DealerSession s, int[] args) {
    long corr = args[2];
    long[] r = sum(s, corr, 0, args[3], 0);
    s.sendToParty0(corr, minusOthers(s, corr, 1, Lut.oneHot(r, args[4])));
  }

  /** mpc.dealer.trunc [r, rShift, msbR, corr, n, f]: party 0 gets [r >>> f | msb r] corrected. */
  public static void trunc(DealerSession s, int[] args) {
    long corr = args[3];
    int n = args[4];
    int f = args[5];
    long[][] parts = shiftedAndMsb(sum(s, corr, 0, n, 0), f);
    s.sendToParty0(corr,
        concat(minusOthers(s, corr, 1, parts[0]), minusOthers(s, corr, 2, parts[1])));
  }

  /** {r >>> f, msb r} elementwise. */
  private static long[][] shiftedAndMsb(long[] r, int f) {
    long[] shifted = new long[r.length];
    long[] msb = new long[r.length];
    for (int i = 0; i < r.length; i++) {
      shifted[i] = r[i] >>> f;
      msb[i] = r[i] >>> 63;
    }
    return new long[][] {shifted, msb};
  }

  /**
   * mpc.dealer.trunc_compare_mul [r, rShift, msbR, monomials, rhoBin, rhoArith, rhoShift,
   * rhoMsb, corr, n, f, k, group]: party 0 gets [r >>> f | msb r | monomials of r >>> f |
   * rho_arith | rho (r >>> f) | rho msb r] corrected.
   */
  public static void truncCompareMul(DealerSession s, int[] args) {
    long corr = args[8];
    int n = args[9];
    int f = args[10];
    long[][] parts = shiftedAndMsb(sum(s, corr, 0, n, 0), f);
    long[] mono = xorOthers(s, corr, 3, Compare.monomials(parts[0], n, args[11], args[12]));
    long[] bits = xor(s, corr, 4, Bits.blocks(n));
    long[] rho = new long[n];
    long[] rhoShift = new long[n];
    long[] rhoMsb = new long[n];
    for (int e = 0; e < n; e++) {
      rho[e] = bits[e >>> 6] >>> (e & 63) & 1;
      rhoShift[e] = rho[e] * parts[0][e];
      rhoMsb[e] = rho[e] * parts[1][e];
    }
    // minusOthers overwrites its value with party 0's share: every product is taken first.
    s.sendToParty0(corr, concat(minusOthers(s, corr, 1, parts[0]),
        minusOthers(s, corr, 2, parts[1]), mono, minusOthers(s, corr, 5, rho),
        minusOthers(s, corr, 6, rhoShift), minusOthers(s, corr, 7, rhoMsb)));
  }

  /** The arrays one after another: party 0's corrected components as one message. */
  private static long[] concat(long[]... parts) {
    long[] all = new long[java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int off = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, all, off, p.length);
      off += p.length;
    }
    return all;
  }

  /** sum over parties p >= from of their expanded component. */
  private static long[] sum(DealerSession s, long corr, int component, int words, int from) {
    return fold(s, corr, component, new long[words], from, Fold.ADD);
  }

  private static long[] xor(DealerSession s, long corr, int component, int words) {
    return fold(s, corr, component, new long[words], 0, Fold.XOR);
  }

  /** value ^ (parties 1..n-1's expanded component): party 0's XOR share. Reuses value. */
  private static long[] xorOthers(DealerSession s, long corr, int component, long[] value) {
    return fold(s, corr, component, value, 1, Fold.XOR);
  }

  /** value - sum_{p >= 1} (party p's expanded component): party 0's share. Reuses value. */
  private static long[] minusOthers(DealerSession s, long corr, int component, long[] value) {
    return fold(s, corr, component, value, 1, Fold.SUBTRACT);
  }

  private enum Fold { ADD, SUBTRACT, XOR }

  /**
   * Words of a party's stream expanded at a time: components can be hundreds of MiB (a lookup
   * table's one-hot code is 2^bits words per element), and the dealer holds the value alone.
   */
  private static final int CHUNK_WORDS = 1 << 16;

  /** Folds parties from..n-1's expanded component into acc, a chunk of the streams at a time. */
  private static long[] fold(DealerSession s, long corr, int component, long[] acc, int from,
      Fold how) {
    long[] t = new long[Math.min(acc.length, CHUNK_WORDS)];
    for (int p = from; p < s.parties(); p++) {
      Prg prg = s.partyPrg(p, corr, component);
      for (int off = 0; off < acc.length; off += t.length) {
        int len = Math.min(t.length, acc.length - off);
        long[] chunk = len == t.length ? t : new long[len];
        prg.fill(chunk);
        switch (how) {
          case ADD -> {
            for (int i = 0; i < len; i++) {
              acc[off + i] += chunk[i];
            }
          }
          case SUBTRACT -> {
            for (int i = 0; i < len; i++) {
              acc[off + i] -= chunk[i];
            }
          }
          case XOR -> {
            for (int i = 0; i < len; i++) {
              acc[off + i] ^= chunk[i];
            }
          }
        }
      }
    }
    return acc;
  }
}
