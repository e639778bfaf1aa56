package onnx2mpc.ir;

import static onnx2mpc.ir.OpDef.Comm.DEALER;
import static onnx2mpc.ir.OpDef.Comm.LOCAL;
import static onnx2mpc.ir.OpDef.Comm.OPEN;
import static onnx2mpc.ir.OpDef.Comm.REVEAL;
import static onnx2mpc.ir.OpDef.i;
import static onnx2mpc.ir.OpDef.is;
import static onnx2mpc.ir.OpDef.l;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mpc.*} dialect: what each party does. Codegen accepts only these ops.
 *
 * <p>Naming: the suffix names the share kinds of the operands, A = arithmetic shares, B = binary
 * (XOR) shares, P = public, in operand order ({@code sub_pa} is public minus shared).
 *
 * <p>Calling convention: the kernel {@code Class.method} in package {@code onnx2mpc.runtime.ops}
 * is a {@code static void method(Ctx ctx, int[] args)}; {@code args} holds the buffer slots of
 * the results, then of the operands, then the attributes in the order listed here (see
 * {@link OpDef.Enc}). A variadic op's operand slots are preceded by their count.
 *
 * <p>Conv attribute {@code conv} = [N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padTop,
 * padLeft, dilationH, dilationW, group]: input [N,C,H,W], weight [O, C/group, KH, KW], output
 * [N,O,OH,OW]. Matmul attribute {@code mm} = [batch, m, k, n, aBatched, bBatched]: a is
 * [batch?, m, k], b is [batch?, k, n], c is [batch, m, n].
 *
 * <p>Bit-sliced layout (binary circuits): a tensor of n elements has blocks = ceil(n / 64); a
 * sliced value with R rows is R * blocks words, word (r, j) at index r * blocks + j, whose bit e
 * is bit r of element 64 j + e. A one-row sliced value is a packed bit vector.
 */
public final class MpcOps {
  private static final Map<String, OpDef> DEFS = new LinkedHashMap<>();

  private MpcOps() {}

  private static void def(String name, int ins, int outs, String kernel, OpDef.Comm comm,
      String summary, OpDef.AttrSpec... attrs) {
    DEFS.put(name, new OpDef(name, ins, outs, List.of(attrs), kernel, comm, summary));
  }

  static {
    // Data entering the program.
    def("mpc.const", 0, 1, "Data.constant", LOCAL,
        "constant #id from the jar (public, or private to its owner; absent elsewhere)", i("id"));
    def("mpc.input", 0, 1, "Data.input", LOCAL,
        "graph input #id read from the user's file and encoded at its scale; owner only", i("id"));
    def("mpc.share", 1, 1, "Arith.share", LOCAL,
        "private(owner) -> arith with no communication: peers' shares come from pairwise PRGs",
        i("owner"), i("nonce"), i("n"));
    def("mpc.zero_share", 0, 1, "Arith.zeroShare", LOCAL,
        "arith shares of zero from the owner's pairwise PRGs (mpc.share's masks, made before"
            + " the private value exists; the owner then adds it with mpc.add_av)",
        i("owner"), i("nonce"), i("n"));

    // Local arithmetic on shares; operands have equal shapes.
    def("mpc.add_aa", 2, 1, "Arith.addAA", LOCAL, "a + b");
    def("mpc.sub_aa", 2, 1, "Arith.subAA", LOCAL, "a - b");
    def("mpc.add_ap", 2, 1, "Arith.addAP", LOCAL, "a + p (party 0 adds p)");
    def("mpc.sub_ap", 2, 1, "Arith.subAP", LOCAL, "a - p (party 0 subtracts p)");
    def("mpc.sub_pa", 2, 1, "Arith.subPA", LOCAL, "p - a");
    def("mpc.from_public", 1, 1, "Arith.fromPublic", LOCAL,
        "public -> arith: party 0's share is the value, the others' zero");
    def("mpc.neg_a", 1, 1, "Arith.negA", LOCAL, "-a");
    def("mpc.mul_ap", 2, 1, "Arith.mulAP", LOCAL, "a * p elementwise (scale adds up)");
    def("mpc.mul_const", 1, 1, "Arith.mulConst", LOCAL, "a * c for a ring integer c", l("c"));
    def("mpc.add_const", 1, 1, "Arith.addConst", LOCAL, "a + c (party 0 adds c)", l("c"));
    def("mpc.matmul_ap", 2, 1, "Linear.matmulAP", LOCAL, "a @ p", is("mm"));
    def("mpc.matmul_pa", 2, 1, "Linear.matmulPA", LOCAL, "p @ a", is("mm"));
    def("mpc.conv_ap", 2, 1, "Linear.convAP", LOCAL, "conv(a, p) with public weights",
        is("conv"));
    def("mpc.conv_pa", 2, 1, "Linear.convPA", LOCAL, "conv(p, a): public input, shared weights",
        is("conv"));
    def("mpc.conv_vv", 2, 1, "Linear.convVV", LOCAL,
        "conv of two values private to the same party, computed by that party alone",
        is("conv"));
    def("mpc.wconv_ap", 2, 1, "Linear.wconvAP", LOCAL,
        "f(a, p) = A^T [p . (B^T a B)] A for public Winograd-domain filters p [16, o, c]:"
            + " a 3x3 stride-1 conv through F(2x2, 3x3)", is("conv"));
    def("mpc.wconv_vv", 2, 1, "Linear.wconvVV", LOCAL,
        "f(x, u) for x and Winograd-domain filters u [16, o, c] private to the same party,"
            + " computed by that party alone", is("conv"));
    def("mpc.matmul_vv", 2, 1, "Linear.matmulVV", LOCAL,
        "matmul of two values private to the same party, computed by that party alone",
        is("mm"));
    def("mpc.add_av", 2, 1, "Arith.addAV", LOCAL,
        "a + v for v private to 'owner': the owner adds v to its share", i("owner"));
    def("mpc.reduce_sum", 1, 1, "Arith.reduceSum", LOCAL,
        "view as [outer, reduce, inner] and sum over the middle axis", i("outer"), i("reduce"),
        i("inner"));

    // Beaver recombination, after e = x - a and d = y - b are open.
    def("mpc.beaver_mul", 5, 1, "Beaver.mul", LOCAL,
        "(e, d, a, b, c) -> c + e*b + a*d (+ e*d at party 0)");
    def("mpc.beaver_square", 3, 1, "Beaver.square", LOCAL,
        "(e, a, c) -> c + 2*e*a (+ e*e at party 0), x*x from a square pair and e = x - a");
    def("mpc.beaver_matmul", 5, 1, "Beaver.matmul", LOCAL,
        "(e, d, a, b, c) -> c + e@b + a@d (+ e@d at party 0)", is("mm"));
    def("mpc.beaver_conv", 5, 1, "Beaver.conv", LOCAL,
        "(e, d, a, b, c) -> c + conv(e,b) + conv(a,d) (+ conv(e,d) at party 0)", is("conv"));

    // Fixed-point truncation by f bits.
    def("mpc.trunc_local", 1, 1, "Trunc.local", LOCAL,
        "2 parties: party 0 x0 >> f, party 1 -((-x1) >> f) (SecureML, section 3.1)", i("f"));
    def("mpc.shift_p", 1, 1, "Trunc.shiftPublic", LOCAL,
        "public z -> public (z >>> f) + c, every party alike", i("f"), l("c"));
    def("mpc.trunc_finish_bit", 4, 1, "Trunc.finishTimesBit", LOCAL,
        "(z = x + 2^62 + r opened, [rho], [rho (r >>> f)], [rho msb r]) -> [rho (x >> f)], as"
            + " mpc.trunc_finish times the dealer's bit rho, with no communication", i("f"));
    def("mpc.trunc_finish", 3, 1, "Trunc.finish", LOCAL,
        "(z = x + 2^62 + r opened, [r >>> f], [msb r]) -> [x >> f]: party 0 adds"
            + " (z >>> f) - 2^(62-f); all add (1 - msb z) * 2^(64-f) * [msb r] - [r >>> f]",
        i("f"));

    // Communication.
    def("mpc.open", 1, 1, "Comm.open", OPEN, "arith -> public (sum of all shares)");
    def("mpc.open_for_product", 1, 1, "Comm.openForProduct", OPEN,
        "as mpc.open, for a Beaver product only (mpc.beaver_mul, mpc.beaver_square): with 2"
            + " parties the opened value stays this party's share plus the peer's message,"
            + " which the product adds as it reads them (no summed copy)");
    def("mpc.open_b", 1, 1, "Comm.openB", OPEN, "binary -> public (xor of all shares)");
    def("mpc.open_to", 1, 1, "Comm.openTo", OPEN,
        "arith -> private(to): every other party sends its share to 'to' only", i("to"),
        i("n"));
    def("mpc.publish_masked", 2, 1, "Comm.publishMasked", OPEN,
        "(v, m) private to 'owner' -> public v - m, sent by the owner to everyone", i("owner"),
        i("n"));
    def("mpc.reveal", 1, 1, "Comm.reveal", REVEAL,
        "arith -> plaintext at the parties in bitmask 'to' (absent elsewhere)", i("to"));

    // Dealer correlations: parties >= 1 expand theirs from a seed shared with the dealer;
    // party 0 expands its a and b and receives its c as the dealer's correction.
    // PRG components, in result order: triple and owner_triple a=0 b=1 c=2; bit r_bin=0
    // r_arith=1; bit_mul r_bin=0 r_arith=1 a=2 ar=3; trunc r=0 r>>>f=1 msb=2; compare r=0
    // monomials=1; compare_mul also rho_bin=2 rho_arith=3 a*rho=4; onehot r=0 code=1; square
    // a=0 c=1. Party
    // 0's correction message concatenates its corrected components in that order (bit_mul:
    // [r_arith | ar]; trunc: [r>>>f | msb]; compare_mul: [monomials | rho_arith | a*rho]).
    def("mpc.dealer.triple", 0, 3, "Dealer.triple", DEALER,
        "(a, b, c = a*b | a@b | conv(a,b)) arith; kind 0 = mul over n elements, 1 = matmul"
            + " with dims, 2 = conv with dims", i("corr"), i("kind"), is("dims"));
    def("mpc.dealer.square", 0, 2, "Dealer.square", DEALER,
        "(a, c = a*a) arith over n elements: half a triple, for x*x (one opening, not two)",
        i("corr"), i("n"));
    def("mpc.dealer.owner_triple", 0, 3, "Dealer.ownerTriple", DEALER,
        "(a, b, c = a*b | a@b | conv(a,b) | f(a,b)) for weights private to 'owner': a arith"
            + " with the owner's share 0 (so the owner never knows a), b private to the owner"
            + " and the same in every repetition of a session, c arith; kind 3 = Winograd"
            + " F(2x2, 3x3) conv with b in the filter domain [16, o, c]",
        i("corr"), i("kind"), is("dims"), i("owner"));
    def("mpc.dealer.and_multi", 0, 2, "Dealer.andMulti", DEALER,
        "m random binary masks a_i of 'words' words each, and for every listed subset S (a"
            + " bitmask over the m operands, |S| >= 2) the product AND_{i in S} a_i; party 0"
            + " receives the products", i("corr"), i("words"), i("m"), is("subsets"));
    def("mpc.dealer.bit", 0, 2, "Dealer.bit", DEALER,
        "random bits r: packed binary shares (ceil(n/64) words) and arith shares (n elements)",
        i("corr"), i("n"));
    def("mpc.dealer.bit_mul", 0, 4, "Dealer.bitMul", DEALER,
        "random bits r (packed binary and arith shares), random a (arith) and a*r (arith), n"
            + " elements; party 0 receives r_arith and a*r", i("corr"), i("n"));
    def("mpc.dealer.compare", 0, 2, "Dealer.compare", DEALER,
        "comparison mask r (arith, n elements; uncorrected, r is what the shares sum to) and"
            + " XOR shares of its bits' monomials: for each group of 'group' bits among bits"
            + " 0..k-2, the AND of every nonempty subset, then bit k-1 (see runtime"
            + " Compare); party 0 receives the monomials", i("corr"), i("n"), i("k"),
        i("group"));
    def("mpc.dealer.compare_mul", 0, 5, "Dealer.compareMul", DEALER,
        "mpc.dealer.compare's r and monomials, then random bits rho (packed binary and arith"
            + " shares) and a*rho with a = -(r + 2^(k-1)) (arith), so that the opened"
            + " x + 2^(k-1) + r also serves x * [x >= 0]; party 0 receives [monomials |"
            + " rho_arith | a*rho]", i("corr"), i("n"), i("k"), i("group"));
    def("mpc.dealer.onehot", 0, 2, "Dealer.onehot", DEALER,
        "lookup mask r (arith, n elements; uncorrected, r is what the shares sum to) and arith"
            + " shares of the one-hot code of r mod 2^bits, [2^bits, n] with row u = [r mod"
            + " 2^bits == u]; party 0 receives the code", i("corr"), i("n"), i("bits"));
    def("mpc.dealer.trunc", 0, 3, "Dealer.trunc", DEALER,
        "random r: arith shares of r, of r >>> f and of msb(r)", i("corr"), i("n"), i("f"));
    def("mpc.dealer.trunc_compare_mul", 0, 8, "Dealer.truncCompareMul", DEALER,
        "mpc.dealer.trunc's r, r >>> f and msb(r); XOR shares of the monomials of r >>> f as"
            + " mpc.dealer.compare makes them; random bits rho (packed binary and arith shares)"
            + " and rho (r >>> f), rho msb(r) (arith): one opening of x + 2^62 + r then gives"
            + " x >> f, [x >= 0] and x >> f times the bit; party 0 receives [r >>> f | msb |"
            + " monomials | rho_arith | rho (r >>> f) | rho msb]", i("corr"), i("n"), i("f"),
        i("k"), i("group"));

    // Binary circuits on bit-sliced words.
    def("mpc.compare_leaves", 2, 1, "Compare.leaves", LOCAL,
        "(c = x + 2^(k-1) + r opened, [monomials of r's bits]) -> rows [G_0.., E_0.., top]:"
            + " per group of bits G = [c < r] and E = [c == r] on the group, and"
            + " top = c_{k-1} ^ r_{k-1}, all without communication", i("n"), i("k"), i("group"));
    def("mpc.compare_leaves_multi", 2, 1, "Compare.leavesMulti", LOCAL,
        "(c = x + 2^(k-1) + r opened, [monomials of r's bits]) -> the rows of"
            + " mpc.compare_leaves for c - theta_j, every threshold j, stacked as [J, n]"
            + " elements: one opening serves all comparisons [x >= theta_j]; 'thresholds' are"
            + " ring values as int pairs, high word first", i("n"), i("k"), i("group"),
        is("thresholds"));
    def("mpc.lut", 2, 1, "Lut.apply", LOCAL,
        "(c = v + r opened, [one-hot code of r mod 2^bits]) -> [table[v mod 2^bits]] = sum_u"
            + " code_u table[(c - u) mod 2^bits], without communication; 'table' holds 2^bits"
            + " ring values as int pairs, high word first", i("n"), i("bits"), is("table"));
    def("mpc.xor_bb", 2, 1, "Bits.xorBB", LOCAL, "a ^ b");
    def("mpc.not_b", 1, 1, "Bits.notB", LOCAL, "~a (party 0 flips)");
    def("mpc.and_multi_finish", 3, 1, "Bits.andMultiFinish", LOCAL,
        "(e = x ^ a opened, [a], [products]) -> for each term T (a bitmask over the m operands)"
            + " AND_{i in T} x_i = XOR over S subset of T of AND_{i in T\\S} e_i & [a_S], with"
            + " a_{} = 1 at party 0; terms stacked", i("words"), i("m"), is("subsets"),
        is("terms"));
    def("mpc.rows", 1, 1, "Bits.rows", LOCAL,
        "rows start, start+step, ... (count of them) of a sliced value", i("blocks"), i("start"),
        i("step"), i("count"));
    def("mpc.concat_rows", OpDef.VARIADIC, 1, "Bits.concatRows", LOCAL,
        "rows of the operands one after another", i("blocks"));
    def("mpc.bitmul_finish", 3, 1, "Bits.bitMulFinish", LOCAL,
        "(c = b ^ r opened, packed; [x]; [x r]) -> [x b] = c [x] + (1 - 2c) [x r]", i("n"));
    def("mpc.b2a_finish", 2, 1, "Bits.b2aFinish", LOCAL,
        "(c = b ^ r opened, packed; [r] arith) -> [b] = c + [r] - 2 c [r]", i("n"));

    // Data movement on whatever this party holds for the operand.
    def("mpc.reshape", 1, 1, "Data.reshape", LOCAL, "same words, new shape (no copy)");
    def("mpc.transpose", 1, 1, "Data.transpose", LOCAL, "permute axes", is("dims"), is("perm"));
    def("mpc.slice", 1, 1, "Data.slice", LOCAL, "strided slice",
        is("dims"), is("starts"), is("steps"), is("outDims"));
    def("mpc.concat", OpDef.VARIADIC, 1, "Data.concat", LOCAL,
        "concatenate [outer, inner_i] blocks along the middle", i("outer"),
        is("inners"));
    def("mpc.pad", 1, 1, "Data.pad", LOCAL,
        "constant padding of shares; party 0 fills 'value', the others 0 (public or private"
            + " operands are padded with 0 only)", is("dims"), is("begin"),
        is("end"), l("value"));
    def("mpc.expand", 1, 1, "Data.expand", LOCAL,
        "numpy broadcast of inDims (same rank) to outDims", is("inDims"), is("outDims"));
    def("mpc.window", 1, 1, "Data.window", LOCAL,
        "pooling windows: [N,C,H,W] -> [KH*KW, N*C*OH*OW]; party 0 fills padding with 'value'",
        is("conv"), l("value"));
  }

  public static OpDef get(String name) {
    OpDef d = DEFS.get(name);
    if (d == null) {
      throw new IllegalArgumentException("expected an mpc op, but found '" + name + "'");
    }
    return d;
  }

  public static boolean isMpc(String name) {
    return DEFS.containsKey(name);
  }

  public static Map<String, OpDef> all() {
    return java.util.Collections.unmodifiableMap(DEFS);
  }

  /**
   * Encodes a node's kernel arguments: result slots, operand slots, then attributes in the
   * declared order.
   */
  public static int[] encodeArgs(Node n, java.util.function.ToIntFunction<Value> slotOf) {
    OpDef d = get(n.op());
    IntList out = new IntList();
    for (Value v : n.outputs()) {
      out.add(slotOf.applyAsInt(v));
    }
    if (d.ins() == OpDef.VARIADIC) {
      out.add(n.inputs().size());
    }
    for (Value v : n.inputs()) {
      out.add(slotOf.applyAsInt(v));
    }
    for (OpDef.AttrSpec a : d.attrs()) {
      switch (a.enc()) {
        case INT -> out.add(n.attrs().getInt(a.name()));
        case LONG -> {
          long v = n.attrs().getLong(a.name());
          out.add((int) (v >>> 32));
          out.add((int) v);
        }
        case INTS -> {
          int[] v = n.attrs().getInts(a.name());
          out.add(v.length);
          for (int x : v) {
            out.add(x);
          }
        }
      }
    }
    return out.toArray();
  }

  private static final class IntList {
    private int[] a = new int[16];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
