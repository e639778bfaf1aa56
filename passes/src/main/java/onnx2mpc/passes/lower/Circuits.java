package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * Boolean circuits on bit-sliced XOR shares, and the comparisons built from them.
 *
 * <p>Sign of x = x_0 + ... + x_{n-1}: every party's share is one XOR-shared summand; carry-save
 * adders reduce n summands to two (one AND level each), then only the carry into the top bit is
 * computed, by a tree of (generate, propagate) combinations (Kogge-Stone style prefix, but
 * only the top carry, so each level halves the rows): 1 + ceil(log2 (K-1)) AND rounds for two
 * summands over K = {@link #COMPARE_BITS} bits. top = x[K-1] ^ y[K-1] ^ carry.
 */
final class Circuits {
  private final MpcBuilder b;

  Circuits(MpcBuilder b) {
    this.b = b;
  }

  /** A bit-sliced binary value over n elements with the given number of rows. */
  private static Type sliced(int n, int rows) {
    return Type.bits(Shape.of(rows, n), Vis.BINARY);
  }

  private static int elements(Value v) {
    return v.shape().dim(1);
  }

  private static int blocks(int n) {
    return (n + 63) / 64;
  }

  Value xor(Value a, Value c) {
    return b.op("mpc.xor_bb", List.of(a, c), a.type(), Attrs.NONE);
  }

  /** Beaver AND over whole words (one round). */
  Value and(Value x, Value y) {
    int words = x.type().words();
    List<Value> t = b.dealer("mpc.dealer.and_triple", List.of(x.type(), x.type(), x.type()),
        "words", words);
    Value e = b.openB(xor(x, t.get(0)));
    Value d = b.openB(xor(y, t.get(1)));
    return b.g.add("mpc.and_finish", List.of(e, d, t.get(0), t.get(1), t.get(2)), x.type(),
        Attrs.NONE, b.origin());
  }

  Value rows(Value v, int start, int step, int count) {
    int n = elements(v);
    if (start == 0 && step == 1 && count == v.shape().dim(0)) {
      return v;
    }
    return b.op("mpc.rows", List.of(v), sliced(n, count), "blocks", blocks(n), "start", start,
        "step", step, "count", count);
  }

  Value concatRows(List<Value> parts) {
    List<Value> nonEmpty = new ArrayList<>();
    int rows = 0;
    for (Value p : parts) {
      if (p != null && p.shape().dim(0) > 0) {
        nonEmpty.add(p);
        rows += p.shape().dim(0);
      }
    }
    if (nonEmpty.size() == 1) {
      return nonEmpty.get(0);
    }
    int n = elements(nonEmpty.get(0));
    return b.op("mpc.concat_rows", nonEmpty, sliced(n, rows), "blocks", blocks(n));
  }

  /**
   * Width of the comparison circuit. A fixed-point value x with |x| < 2^(K-1) ring units
   * satisfies [x >= 0] = bit K-1 of (x + 2^(K-1)) mod 2^K, and the low K bits of the sum are
   * the sum of the shares' low K bits, so only K bits of each share enter the adder. With K = 36
   * and 16 fractional bits, comparisons are exact for |x| < 2^19 = 524288; the carry tree over
   * 35 bits has 6 levels and needs about 100 AND rows instead of 180 for 64 bits.
   */
  static final int COMPARE_BITS = 36;

  /** [x >= 0] as a packed binary-shared bit vector, for |x| < 2^(COMPARE_BITS - 1). */
  Value nonNegativeBits(Value x) {
    int k = COMPARE_BITS;
    int n = x.shape().size();
    Value shifted = b.addConst(x, 1L << (k - 1));
    List<Value> summands = new ArrayList<>();
    for (int p = 0; p < b.parties; p++) {
      summands.add(b.op("mpc.slice_bits", List.of(shifted), sliced(n, k), "n", n, "party", p,
          "rows", k));
    }
    while (summands.size() > 2) {
      List<Value> next = new ArrayList<>();
      int i = 0;
      for (; i + 2 < summands.size(); i += 3) {
        Value u = summands.get(i);
        Value v = summands.get(i + 1);
        Value w = summands.get(i + 2);
        // Full adder per bit: sum = u^v^w, carry = maj(u,v,w) = ((u^w)&(v^w))^w, shifted up.
        Value uw = xor(u, w);
        next.add(xor(uw, v));
        Value maj = xor(and(uw, xor(v, w)), w);
        next.add(b.op("mpc.shift_rows", List.of(maj), maj.type(), "blocks", blocks(n), "rows", k));
      }
      for (; i < summands.size(); i++) {
        next.add(summands.get(i));
      }
      summands = next;
    }
    Value xs = summands.get(0);
    Value ys = summands.get(1);
    Value carry = carryIntoTop(xs, ys, k);
    return xor(xor(rows(xs, k - 1, 1, 1), rows(ys, k - 1, 1, 1)), carry);
  }

  /** The binary (packed, one row) sign bit [x < 0] of an arith-shared value. */
  Value msb(Value x) {
    Value nonNeg = nonNegativeBits(x);
    return b.op("mpc.not_b", List.of(nonNeg), nonNeg.type(), Attrs.NONE);
  }

  /**
   * Carry into bit k-1 of xs + ys (k rows each), by a prefix tree of fan-in 4. Nodes are bit
   * groups from low to high with generate G and propagate P; four adjacent nodes combine into
   * G = G3 ^ P3 G2 ^ P3 P2 G1 ^ P3 P2 P1 G0 and P = P3 P2 P1 P0 (the terms are exclusive, so XOR
   * is OR). Every product of a level is computed in one round by {@link #multiAnd}, and the
   * leaves' generates g_j = x_j y_j enter the first level's products directly, so the k - 1 = 35
   * leaves need ceil(log4 35) = 3 rounds instead of 1 + 6 with two-input gates.
   */
  private Value carryIntoTop(Value xs, Value ys, int k) {
    int m = k - 1;
    Value x = rows(xs, 0, 1, m);
    Value y = rows(ys, 0, 1, m);
    Value p = rows(xor(xs, ys), 0, 1, m);
    Value g = null;
    while (m > 1 || g == null) {
      int q = m / 4;
      int r = m % 4;
      List<Value> gs = new ArrayList<>();
      List<Value> ps = new ArrayList<>();
      if (q > 0) {
        Value[] c = combine(g, x, y, p, 0, 4, q, 4);
        gs.add(c[0]);
        ps.add(c[1]);
      }
      if (r > 1 || (r == 1 && g == null)) {
        Value[] c = combine(g, x, y, p, 4 * q, 1, 1, r);
        gs.add(c[0]);
        ps.add(c[1]);
      } else if (r == 1) {
        gs.add(rows(g, 4 * q, 1, 1));
        ps.add(rows(p, 4 * q, 1, 1));
      }
      g = concatRows(gs);
      p = concatRows(ps);
      m = q + (r > 0 ? 1 : 0);
    }
    return g;
  }

  /**
   * Combines {@code count} groups of {@code size} adjacent nodes; node j of group c is row
   * base + c * stride + j. With {@code g == null} the nodes are leaves, whose generate is the
   * product x_j y_j. Returns the groups' G and P, one row per group.
   */
  private Value[] combine(Value g, Value x, Value y, Value p, int base, int stride, int count,
      int size) {
    List<Value> ops = new ArrayList<>();
    int[] pIdx = new int[size];
    int[][] gIdx = new int[size][];
    for (int j = 0; j < size; j++) {
      if (g == null) {
        ops.add(rows(x, base + j, stride, count));
        ops.add(rows(y, base + j, stride, count));
        gIdx[j] = new int[] {ops.size() - 2, ops.size() - 1};
      } else if (j < size - 1) {
        ops.add(rows(g, base + j, stride, count));
        gIdx[j] = new int[] {ops.size() - 1};
      }
    }
    for (int j = 0; j < size; j++) {
      ops.add(rows(p, base + j, stride, count));
      pIdx[j] = ops.size() - 1;
    }
    List<Integer> terms = new ArrayList<>();
    for (int j = 0; j < size; j++) {
      if (gIdx[j] == null) {
        continue;
      }
      int t = 0;
      for (int i : gIdx[j]) {
        t |= 1 << i;
      }
      for (int h = j + 1; h < size; h++) {
        t |= 1 << pIdx[h];
      }
      terms.add(t);
    }
    int allP = 0;
    for (int h = 0; h < size; h++) {
      allP |= 1 << pIdx[h];
    }
    boolean pProduct = size > 1;
    if (pProduct) {
      terms.add(allP);
    }
    Value prod = multiAnd(ops, terms.stream().mapToInt(Integer::intValue).toArray());
    int gTerms = terms.size() - (pProduct ? 1 : 0);
    Value newG = rows(prod, 0, 1, count);
    for (int t = 1; t < gTerms; t++) {
      newG = xor(newG, rows(prod, t * count, 1, count));
    }
    if (g != null) {
      newG = xor(newG, rows(g, base + size - 1, stride, count));
    }
    Value newP = pProduct ? rows(prod, gTerms * count, 1, count) : ops.get(pIdx[0]);
    return new Value[] {newG, newP};
  }

  /**
   * Several products of XOR-shared operands (all with the same rows) in one round: each
   * operand is masked by a dealer mask and opened once, and the dealer supplies the products of
   * the masks over every subset of two or more operands that some term needs. Returns the terms'
   * products stacked by rows.
   */
  Value multiAnd(List<Value> ops, int[] terms) {
    int m = ops.size();
    int rows = ops.get(0).shape().dim(0);
    int n = elements(ops.get(0));
    int words = rows * blocks(n);
    java.util.TreeSet<Integer> closure = new java.util.TreeSet<>();
    for (int t : terms) {
      for (int sub = t; sub != 0; sub = (sub - 1) & t) {
        if (Integer.bitCount(sub) >= 2) {
          closure.add(sub);
        }
      }
    }
    int[] subsets = closure.stream().mapToInt(Integer::intValue).toArray();
    Value all = concatRows(ops);
    List<Value> d = b.dealer("mpc.dealer.and_multi",
        List.of(sliced(n, m * rows), sliced(n, Math.max(1, subsets.length) * rows)), "words",
        words, "m", m, "subsets", subsets);
    Value e = b.openB(xor(all, d.get(0)));
    return b.op("mpc.and_multi_finish", List.of(e, d.get(0), d.get(1)),
        sliced(n, terms.length * rows), "words", words, "m", m, "subsets", subsets, "terms",
        terms);
  }

  private Value rowsOrNull(Value v, int start, int step, int count) {
    return count <= 0 ? null : rows(v, start, step, count);
  }

  /** Arithmetic shares (ring integers 0/1) of a packed binary-shared bit vector. */
  Value b2a(Value bits, Shape shape) {
    int n = shape.size();
    List<Value> r = b.dealer("mpc.dealer.bit",
        List.of(bits.type(), Type.integer(shape, Vis.ARITH)), "n", n);
    Value c = b.openB(xor(bits, r.get(0)));
    return b.op("mpc.b2a_finish", List.of(c, r.get(1)), Type.integer(shape, Vis.ARITH), "n", n);
  }

  /** [x >= 0] as arithmetic 0/1 shares. */
  Value nonNegative(Value x) {
    return b2a(nonNegativeBits(x), x.shape());
  }

  /**
   * x * bit for a binary-shared bit vector, with the bit-to-arithmetic conversion merged into the
   * product. The dealer gives a random bit r (binary and arithmetic shares), a random a and
   * a r. Opening e = x - a needs nothing from the bit, so it travels with the circuit's first
   * round; at the end c = bit ^ r is opened and x * bit = c x + (1 - 2c) x r, with
   * [x r] = [a r] + e [r]. One round after the bit is known, 8 bytes and 1 bit per element.
   */
  Value mulBit(Value x, Value bits) {
    int n = x.shape().size();
    Type rArith = Type.integer(x.shape(), Vis.ARITH);
    List<Value> r = b.dealer("mpc.dealer.bit_mul",
        List.of(bits.type(), rArith, x.type(), x.type()), "n", n);
    Value e = b.open(b.subAA(x, r.get(2)));
    Value er = b.op("mpc.mul_ap", List.of(r.get(1), e), x.type(), Attrs.NONE);
    Value xr = b.op("mpc.add_aa", List.of(r.get(3), er), x.type(), Attrs.NONE);
    Value c = b.openB(xor(bits, r.get(0)));
    return b.op("mpc.bitmul_finish", List.of(c, x, xr), x.type(), "n", n);
  }

  /** relu(x) = x * [x >= 0]. */
  Value relu(Value x) {
    return mulBit(x, nonNegativeBits(x));
  }

  /** max(x, y) = y + relu(x - y), elementwise. */
  Value max(Value x, Value y) {
    return b.addAA(y, relu(b.subAA(x, y)));
  }

  static boolean isBits(Value v) {
    return v.type().elem() == Elem.BIT;
  }
}
