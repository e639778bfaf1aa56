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
 * <p>Sign of x: the parties open c = x + 2^(K-1) + r for a dealer mask r whose bits the dealer
 * also deals, monomials included; [x >= 0] is then bit K-1 of c - r over K =
 * {@link #COMPARE_BITS} bits, a subtraction of a secret from a public value. Its borrow is a
 * prefix combination of (less-than, equal) pairs: the first level, over groups of
 * {@link #COMPARE_GROUP} bits, is local (runtime {@code Compare}), the others are AND gates of
 * fan-in up to 4. 1 + 2 rounds for any number of parties.
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
   * Width of the comparison. A fixed-point value x with |x| < 2^(K-1) ring units satisfies
   * [x >= 0] = bit K-1 of (x + 2^(K-1)) mod 2^K, so only the low K bits of the opened
   * x + 2^(K-1) + r and of the mask r enter the comparison. With K = 36 and 16 fractional bits,
   * comparisons are exact for |x| < 2^19 = 524288.
   */
  static final int COMPARE_BITS = 36;

  /**
   * Bits per group of the comparison's first, local level: the dealer deals 2^G - 1 monomials
   * per group. G = 4 gives 9 groups over 35 bits (127 monomials), combined in 2 AND rounds;
   * G = 5 deals 217 for the same 2 rounds, G = 6 deals 346 to save one round.
   */
  static final int COMPARE_GROUP = 4;

  /** Groups over the low COMPARE_BITS - 1 bits (as runtime Compare.groupSizes). */
  private static int compareGroups() {
    return (COMPARE_BITS - 1 + COMPARE_GROUP - 1) / COMPARE_GROUP;
  }

  /** Rows of the dealer's monomials (as runtime Compare.monomialRows). */
  private static int monomialRows() {
    int rows = 1;
    for (int bits = COMPARE_BITS - 1; bits > 0; bits -= COMPARE_GROUP) {
      rows += (1 << Math.min(COMPARE_GROUP, bits)) - 1;
    }
    return rows;
  }

  private Object[] compareAttrs(int n) {
    return new Object[] {"n", n, "k", COMPARE_BITS, "group", COMPARE_GROUP};
  }

  /** Opens c = x + 2^(K-1) + r: uniform, since r is. */
  private Value openMasked(Value x, Value r) {
    return b.open(b.addAA(b.addConst(x, 1L << (COMPARE_BITS - 1)), r));
  }

  /**
   * [x >= 0] as a packed binary-shared bit vector, for |x| < 2^(COMPARE_BITS - 1): one opening
   * of x masked by the dealer's r, the local first level (runtime {@code Compare}), then
   * ceil(log4 9) = 2 AND rounds that combine the 9 groups into the borrow out of the low bits.
   */
  Value nonNegativeBits(Value x) {
    int n = x.shape().size();
    List<Value> d = b.dealer("mpc.dealer.compare", List.of(x.type().withVis(Vis.ARITH),
        sliced(n, monomialRows())), compareAttrs(n));
    return nonNegativeOfOpened(openMasked(x, d.get(0)), d.get(1), n);
  }

  /** bit K-1 of (c - r) mod 2^K = c_{K-1} ^ r_{K-1} ^ [c' < r'] over the low bits. */
  private Value nonNegativeOfOpened(Value c, Value monomials, int n) {
    Value leaves = b.op("mpc.compare_leaves", List.of(c, monomials),
        sliced(n, 2 * compareGroups() + 1), compareAttrs(n));
    return nonNegativeOfLeaves(leaves);
  }

  private Value nonNegativeOfLeaves(Value leaves) {
    int groups = compareGroups();
    Value borrow = prefix(rows(leaves, 0, 1, groups), rows(leaves, groups, 1, groups), groups);
    return xor(rows(leaves, 2 * groups, 1, 1), borrow);
  }

  /**
   * [x >= theta_j] for every threshold (ring units at x's scale) as packed binary bits of
   * [J, n] elements (row j, element e at j n + e): one opening of x masked by the dealer's r and
   * one set of r's monomials serve every threshold, since c - theta_j is the opening of
   * x - theta_j under the same r; only the AND rounds are per threshold. Exact for
   * |x - theta_j| < 2^(COMPARE_BITS - 1).
   */
  Value atLeastBits(Value x, long[] thresholds) {
    int n = x.shape().size();
    List<Value> d = b.dealer("mpc.dealer.compare", List.of(x.type().withVis(Vis.ARITH),
        sliced(n, monomialRows())), compareAttrs(n));
    Value c = openMasked(x, d.get(0));
    Value leaves = b.op("mpc.compare_leaves_multi", List.of(c, d.get(1)),
        sliced(thresholds.length * n, 2 * compareGroups() + 1), "n", n, "k", COMPARE_BITS,
        "group", COMPARE_GROUP, "thresholds", MpcBuilder.intPairs(thresholds));
    return nonNegativeOfLeaves(leaves);
  }

  /** The binary (packed, one row) sign bit [x < 0] of an arith-shared value. */
  Value msb(Value x) {
    Value nonNeg = nonNegativeBits(x);
    return b.op("mpc.not_b", List.of(nonNeg), nonNeg.type(), Attrs.NONE);
  }

  /**
   * Combines m nodes, ordered from low to high bits, with generate (here: less-than) G and
   * propagate (here: equal) P, one row each, into the whole range's G, by a tree of fan-in 4:
   * four adjacent nodes combine into G = G3 ^ P3 G2 ^ P3 P2 G1 ^ P3 P2 P1 G0 and
   * P = P3 P2 P1 P0 (the terms are exclusive, so XOR is OR). Every product of a level is
   * computed in one round by {@link #multiAnd}.
   */
  private Value prefix(Value g, Value p, int m) {
    while (m > 1) {
      int q = m / 4;
      int r = m % 4;
      List<Value> gs = new ArrayList<>();
      List<Value> ps = new ArrayList<>();
      if (q > 0) {
        Value[] c = combine(g, p, 0, 4, q, 4);
        gs.add(c[0]);
        ps.add(c[1]);
      }
      if (r > 1) {
        Value[] c = combine(g, p, 4 * q, 1, 1, r);
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
   * base + c * stride + j. Returns the groups' G and P, one row per group.
   */
  private Value[] combine(Value g, Value p, int base, int stride, int count, int size) {
    List<Value> ops = new ArrayList<>();
    int[] pIdx = new int[size];
    int[] gIdx = new int[size - 1];
    for (int j = 0; j < size - 1; j++) {
      ops.add(rows(g, base + j, stride, count));
      gIdx[j] = ops.size() - 1;
    }
    for (int j = 0; j < size; j++) {
      ops.add(rows(p, base + j, stride, count));
      pIdx[j] = ops.size() - 1;
    }
    List<Integer> terms = new ArrayList<>();
    for (int j = 0; j < size - 1; j++) {
      int t = 1 << gIdx[j];
      for (int h = j + 1; h < size; h++) {
        t |= 1 << pIdx[h];
      }
      terms.add(t);
    }
    int allP = 0;
    for (int h = 0; h < size; h++) {
      allP |= 1 << pIdx[h];
    }
    terms.add(allP);
    Value prod = multiAnd(ops, terms.stream().mapToInt(Integer::intValue).toArray());
    int gTerms = terms.size() - 1;
    Value newG = rows(g, base + size - 1, stride, count);
    for (int t = 0; t < gTerms; t++) {
      newG = xor(newG, rows(prod, t * count, 1, count));
    }
    return new Value[] {newG, rows(prod, gTerms * count, 1, count)};
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
    return finishMulBit(x, bits, e, r.get(0), r.get(1), r.get(3));
  }

  /**
   * The rest of x * bit once e = x - a is open: [x r] = [a r] + e [r], then c = bit ^ r is
   * opened and x * bit = c x + (1 - 2c) x r.
   */
  private Value finishMulBit(Value x, Value bits, Value e, Value rBin, Value rArith, Value ar) {
    Value er = b.op("mpc.mul_ap", List.of(rArith, e), x.type(), Attrs.NONE);
    Value xr = b.op("mpc.add_aa", List.of(ar, er), x.type(), Attrs.NONE);
    Value c = b.openB(xor(bits, rBin));
    return b.op("mpc.bitmul_finish", List.of(c, x, xr), x.type(), "n", x.shape().size());
  }

  /**
   * relu(x) = x * [x >= 0], with the comparison's opening reused by the product: the dealer's
   * a = -(r + 2^(K-1)) makes c = x - a, the value {@link #mulBit} would open, so the product
   * costs only the final bit's round. 4 rounds: the opening, 2 AND levels, the bit.
   */
  Value relu(Value x) {
    Value untruncated = b.untruncated(x);
    if (untruncated != null) {
      return truncatedRelu(untruncated, x.type());
    }
    int n = x.shape().size();
    Type rArith = Type.integer(x.shape(), Vis.ARITH);
    List<Value> d = b.dealer("mpc.dealer.compare_mul", List.of(x.type().withVis(Vis.ARITH),
        sliced(n, monomialRows()), sliced(n, 1), rArith, x.type().withVis(Vis.ARITH)),
        compareAttrs(n));
    Value c = openMasked(x, d.get(0));
    return finishMulBit(x, nonNegativeOfOpened(c, d.get(1), n), c, d.get(2), d.get(3),
        d.get(4));
  }

  /**
   * relu(x >> f) for a value x2 = x that the dealer would truncate first: one opening z =
   * x2 + 2^62 + r serves the truncation (mpc.trunc_finish, as MpcBuilder.truncExact), the
   * comparison and the product by its bit. The comparison's opened value is (z >>> f) -
   * 2^(62-f) + 2^(K-1) = (x2 >> f) + b + 2^(K-1) + (r >>> f) modulo 2^(64-f), b in {0, 1}
   * the borrow of the low f bits, under the mask r >>> f whose monomials the dealer also deals;
   * so the sign is that of x2 >> f up to that borrow (a difference only where x2 >> f = -1,
   * one ulp). The product t * bit = c t + (1 - 2c) [rho t] after opening c = bit ^ rho, where
   * [rho t] follows from z and the dealer's rho (r >>> f) and rho msb r without an opening
   * (mpc.trunc_finish_bit). Same rounds and online bytes as relu alone: the truncation's
   * round and opening are gone.
   */
  private Value truncatedRelu(Value x2, Type out) {
    int n = out.shape().size();
    int bits = x2.type().scale() - out.scale();
    Type ring = Type.integer(x2.shape(), Vis.ARITH);
    List<Value> d = b.dealer("mpc.dealer.trunc_compare_mul",
        List.of(ring, ring, ring, sliced(n, monomialRows()), sliced(n, 1), ring, ring, ring),
        "n", n, "f", bits, "k", COMPARE_BITS, "group", COMPARE_GROUP);
    Value z = b.open(b.addConst(b.op("mpc.add_aa", List.of(x2, d.get(0)), x2.type(),
        Attrs.NONE), MpcBuilder.TRUNC_OFFSET));
    Value t = b.op("mpc.trunc_finish", List.of(z, d.get(1), d.get(2)), out, "f", bits);
    Value c = b.op("mpc.shift_p", List.of(z), Type.integer(x2.shape(), Vis.PUBLIC), "f", bits,
        "c", (1L << (COMPARE_BITS - 1)) - (MpcBuilder.TRUNC_OFFSET >>> bits));
    Value bit = nonNegativeOfOpened(c, d.get(3), n);
    Value rhoT = b.op("mpc.trunc_finish_bit", List.of(z, d.get(5), d.get(6), d.get(7)), out,
        "f", bits);
    Value opened = b.openB(xor(bit, d.get(4)));
    return b.op("mpc.bitmul_finish", List.of(opened, t, rhoT), out, "n", n);
  }

  /** max(x, y) = y + relu(x - y), elementwise. */
  Value max(Value x, Value y) {
    return b.addAA(y, relu(b.subAA(x, y)));
  }

  static boolean isBits(Value v) {
    return v.type().elem() == Elem.BIT;
  }
}
