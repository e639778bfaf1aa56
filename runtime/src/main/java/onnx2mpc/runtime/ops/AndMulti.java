package onnx2mpc.runtime.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * The local step of mpc.and_multi_finish ({@link Bits#andMultiFinish}), in blocks of words: with
 * x_i = e_i ^ a_i, AND_{i in T} x_i = XOR over S subset of T of (AND_{i in T\S} e_i) & a_S.
 *
 * <p>Every term visits all subsets of its operand set, and the products of the public e_i are
 * shared between terms; done over whole rows, each visit is a pass over megabytes of memory. So
 * the words are cut into blocks of {@value #BLOCK}: per block, each needed product of e's is
 * built once from a smaller one (its set minus the lowest operand), and every term's passes run
 * over data that stays in the first-level caches. The inner loops are plain array loops, which
 * the JIT vectorizes.
 */
final class AndMulti {
  /** Words per block: a block of each e-product and share row fits in L1 together. */
  static final int BLOCK = 256;

  private AndMulti() {}

  /** One XOR term of one output: (AND of e over eSet) & share[base ..], or either factor alone. */
  private record Part(int eSet, long[] share, int base) {}

  static long[] finish(boolean party0, long[] e, long[] a, long[] prod, int words, int m,
      int[] subsets, int[] terms) {
    int[] index = new int[1 << m];
    java.util.Arrays.fill(index, -1);
    for (int i = 0; i < subsets.length; i++) {
      index[subsets[i]] = i;
    }
    List<List<Part>> plan = new ArrayList<>();
    boolean[] needed = new boolean[1 << m];
    for (int term : terms) {
      List<Part> parts = new ArrayList<>();
      for (int sub = term; ; sub = (sub - 1) & term) {
        int eSet = term & ~sub;
        if (sub == 0) {
          if (party0) {
            parts.add(new Part(eSet, null, 0)); // the public AND of all e's, at party 0 only
          }
          markNeeded(eSet, needed);
          break;
        }
        if (Integer.bitCount(sub) == 1) {
          parts.add(new Part(eSet, a, Integer.numberOfTrailingZeros(sub) * words));
        } else {
          int k = index[sub];
          if (k < 0) {
            throw new IllegalArgumentException("and_multi_finish: the dealer gave no product"
                + " for operand set " + Integer.toBinaryString(sub));
          }
          parts.add(new Part(eSet, prod, k * words));
        }
        markNeeded(eSet, needed);
      }
      plan.add(parts);
    }
    // Sets in increasing size, so that set & (set - 1) is built before set.
    int[] order = java.util.stream.IntStream.range(1, 1 << m).filter(s -> needed[s]).boxed()
        .sorted(java.util.Comparator.comparingInt(Integer::bitCount)).mapToInt(Integer::intValue)
        .toArray();
    long[][] ePart = new long[1 << m][];
    for (int s : order) {
      ePart[s] = new long[BLOCK];
    }
    long[] out = new long[terms.length * words];
    for (int w0 = 0; w0 < words; w0 += BLOCK) {
      int len = Math.min(BLOCK, words - w0);
      for (int s : order) {
        long[] r = ePart[s];
        int rest = s & (s - 1);
        int eBase = Integer.numberOfTrailingZeros(s) * words + w0;
        if (rest == 0) {
          System.arraycopy(e, eBase, r, 0, len);
        } else {
          long[] q = ePart[rest];
          for (int w = 0; w < len; w++) {
            r[w] = q[w] & e[eBase + w];
          }
        }
      }
      for (int t = 0; t < terms.length; t++) {
        int off = t * words + w0;
        for (Part p : plan.get(t)) {
          long[] ee = p.eSet() == 0 ? null : ePart[p.eSet()];
          long[] share = p.share();
          int base = p.base() + w0;
          if (share == null) {
            for (int w = 0; w < len; w++) {
              out[off + w] ^= ee[w];
            }
          } else if (ee == null) {
            for (int w = 0; w < len; w++) {
              out[off + w] ^= share[base + w];
            }
          } else {
            for (int w = 0; w < len; w++) {
              out[off + w] ^= ee[w] & share[base + w];
            }
          }
        }
      }
    }
    return out;
  }

  /** Marks set and every set it is built from (its suffixes without the lowest operands). */
  private static void markNeeded(int set, boolean[] needed) {
    for (int s = set; s != 0 && !needed[s]; s &= s - 1) {
      needed[s] = true;
    }
  }
}
