package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.CompiledProgram.ConstSpec;

/**
 * Emits {@code mpc.*} nodes into a graph: the building blocks every lowering uses (sharing,
 * opening, Beaver products, truncation, dealer correlations). Everything it emits is tagged with
 * the ONNX node currently being lowered ({@link #at}).
 */
public final class MpcBuilder {
  /** Offset added before a dealer-assisted truncation so the opened value is below 2^63. */
  static final long TRUNC_OFFSET = 1L << 62;

  final Graph g = new Graph();
  final int parties;
  final int precision;
  /** Two parties truncate through the dealer too (see {@link #truncTo}). */
  private final boolean exactTruncation;
  private final List<ConstSpec> constants = new ArrayList<>();
  /** Each dealer truncation's output, to the value it truncated (see {@link #untruncated}). */
  private final Map<Value, Value> truncatedFrom = new IdentityHashMap<>();
  private int nextCorr;
  private int nextNonce;
  private String origin;

  public MpcBuilder(int parties, int precision) {
    this(parties, precision, false);
  }

  public MpcBuilder(int parties, int precision, boolean exactTruncation) {
    this.parties = parties;
    this.precision = precision;
    this.exactTruncation = exactTruncation;
    g.properties().put("parties", Integer.toString(parties));
    g.properties().put("precision", Integer.toString(precision));
  }

  public Graph graph() {
    return g;
  }

  public List<ConstSpec> constants() {
    return constants;
  }

  /** Sets the ONNX node that following nodes are attributed to. */
  public void at(String onnxNode) {
    this.origin = onnxNode;
  }

  public String origin() {
    return origin;
  }

  Value op(String op, List<Value> ins, Type out, Attrs attrs) {
    return g.add(op, ins, out, attrs, origin);
  }

  Value op(String op, List<Value> ins, Type out, Object... kv) {
    return g.add(op, ins, out, Attrs.of(kv), origin);
  }

  // ---- data entering the program ----

  /** A constant, ring-encoded at {@code scale} (reals) or as integers. */
  public Value constant(String name, Tensor t, int scale, Vis vis) {
    int id = constants.size();
    long[] words = encode(t, scale, name);
    constants.add(new ConstSpec(id, name, vis.isPrivate() ? vis.owner() : -1, t.shape(), words));
    Type type = t.isInt() ? Type.integer(t.shape(), vis) : Type.fixed(t.shape(), scale, vis);
    return op("mpc.const", List.of(), type, "id", id);
  }

  /** A public constant fixed-point tensor at the default precision. */
  public Value publicReal(String name, Tensor t) {
    return constant(name, t, t.isInt() ? 0 : precision, Vis.PUBLIC);
  }

  static long[] encode(Tensor t, int scale, String name) {
    if (t.isInt()) {
      return t.ints().clone();
    }
    double[] d = t.reals();
    long[] w = new long[d.length];
    double f = Math.scalb(1.0, scale);
    for (int i = 0; i < d.length; i++) {
      double x = d[i] * f;
      if (!Double.isFinite(x) || Math.abs(x) > 0x1p62) {
        throw new IrException("constant '" + name + "' element " + i + " is " + d[i]
            + ", which does not fit fixed point with " + scale + " fractional bits");
      }
      w[i] = Math.round(x);
    }
    return w;
  }

  public Value input(int id, Type type) {
    return op("mpc.input", List.of(), type, "id", id);
  }

  /**
   * private(p) -> arith, with no communication. A graph input is shared as the owner's addition
   * to a sharing of zero ({@code mpc.zero_share}), whose pseudo-random streams depend on no input
   * and are therefore expanded offline; any other private value (weights, made offline anyway)
   * in one step.
   */
  public Value share(Value priv) {
    if (!priv.vis().isPrivate()) {
      throw new IrException(priv.def(), "expected a private value to share, but found "
          + priv.vis());
    }
    int owner = priv.vis().owner();
    Type shared = priv.type().withVis(Vis.ARITH);
    if (priv.def() != null && priv.def().op().equals("mpc.input")) {
      Value zero = op("mpc.zero_share", List.of(), shared, "owner", owner, "nonce", nextNonce++,
          "n", priv.type().words());
      return op("mpc.add_av", List.of(zero, priv), shared, "owner", owner);
    }
    return op("mpc.share", List.of(priv), shared, "owner", owner, "nonce", nextNonce++, "n",
        priv.type().words());
  }

  // ---- local arithmetic ----

  public Value addAA(Value a, Value b) {
    sameScale(a, b, "add");
    return op("mpc.add_aa", List.of(a, b), a.type(), Attrs.NONE);
  }

  /**
   * a - b. When a is a fresh input, z + v with z a sharing of zero and v the owner's data, and
   * b a dealer value (the mask of an opening), this is (z - b) + v: z - b depends on no input,
   * so the scheduler makes it offline, and online only the owner adds its data, one pass
   * instead of two (the others pass their share on).
   */
  public Value subAA(Value a, Value b) {
    sameScale(a, b, "subtract");
    Node in = a.def();
    if (in != null && in.op().equals("mpc.add_av") && madeBy(in.input(0), "mpc.zero_share")
        && b.def() != null && b.def().op().startsWith("mpc.dealer.")) {
      Value masked = op("mpc.sub_aa", List.of(in.input(0), b), a.type(), Attrs.NONE);
      return op("mpc.add_av", List.of(masked, in.input(1)), a.type(), in.attrs());
    }
    return op("mpc.sub_aa", List.of(a, b), a.type(), Attrs.NONE);
  }

  private static boolean madeBy(Value v, String op) {
    return v.def() != null && v.def().op().equals(op);
  }

  public Value addAP(Value a, Value p) {
    sameScale(a, p, "add");
    return op("mpc.add_ap", List.of(a, p), a.type(), Attrs.NONE);
  }

  public Value subAP(Value a, Value p) {
    sameScale(a, p, "subtract");
    return op("mpc.sub_ap", List.of(a, p), a.type(), Attrs.NONE);
  }

  public Value subPA(Value p, Value a) {
    sameScale(a, p, "subtract");
    return op("mpc.sub_pa", List.of(p, a), a.type(), Attrs.NONE);
  }

  public Value neg(Value a) {
    return op("mpc.neg_a", List.of(a), a.type(), Attrs.NONE);
  }

  /** a * p elementwise; the result's scale is the sum of the scales. */
  public Value mulAP(Value a, Value p) {
    return op("mpc.mul_ap", List.of(a, p), productType(a, p, a.shape()), Attrs.NONE);
  }

  public Value mulConst(Value a, long c) {
    return op("mpc.mul_const", List.of(a), a.type(), "c", c);
  }

  /** Multiplies by 2^bits, raising the scale by bits. */
  public Value upscale(Value a, int bits) {
    if (bits == 0) {
      return a;
    }
    return op("mpc.mul_const", List.of(a),
        Type.fixed(a.shape(), a.type().scale() + bits, a.vis()), "c", 1L << bits);
  }

  public Value addConst(Value a, long c) {
    return op("mpc.add_const", List.of(a), a.type(), "c", c);
  }

  static Type productType(Value a, Value b, Shape shape) {
    int scale = a.type().scale() + b.type().scale();
    Elem e = a.type().elem() == Elem.FIXED || b.type().elem() == Elem.FIXED ? Elem.FIXED : Elem.INT;
    if (e == Elem.INT) {
      return Type.integer(shape, Vis.ARITH);
    }
    return Type.fixed(shape, scale, Vis.ARITH);
  }

  private void sameScale(Value a, Value b, String what) {
    if (a.type().scale() != b.type().scale()) {
      throw new IrException(a.def(), "cannot " + what + " values of scale " + a.type().scale()
          + " and " + b.type().scale() + ": expected equal scales");
    }
    if (!a.shape().equals(b.shape())) {
      throw new IrException(a.def(), "cannot " + what + " shapes " + a.shape() + " and "
          + b.shape() + ": expected equal shapes after broadcasting");
    }
  }

  // ---- communication ----

  public Value open(Value masked) {
    return op("mpc.open", List.of(masked), masked.type().withVis(Vis.PUBLIC), Attrs.NONE);
  }

  /** An opening that only the Beaver product built with it reads (see MpcOps). */
  private Value openForProduct(Value masked) {
    return op("mpc.open_for_product", List.of(masked), masked.type().withVis(Vis.PUBLIC),
        Attrs.NONE);
  }

  public Value openB(Value masked) {
    return op("mpc.open_b", List.of(masked), masked.type().withVis(Vis.PUBLIC), Attrs.NONE);
  }

  public Value reveal(Value x, int toMask) {
    return op("mpc.reveal", List.of(x), x.type().withVis(Vis.PUBLIC), "to", toMask);
  }

  // ---- dealer correlations ----

  int corr() {
    return nextCorr++;
  }

  List<Value> dealer(String op, List<Type> outs, Object... kv) {
    Object[] all = new Object[kv.length + 2];
    all[0] = "corr";
    all[1] = corr();
    System.arraycopy(kv, 0, all, 2, kv.length);
    return g.addNode(op, List.of(), outs, Attrs.of(all), origin).outputs();
  }

  // ---- Beaver products ----

  /**
   * Secret x secret elementwise product (Beaver): one round, scale adds up. A square (x * x,
   * the same value twice) takes a square pair instead, which opens one masked value, not two.
   */
  public Value mulAA(Value x, Value y) {
    if (x == y) {
      return square(x);
    }
    Shape s = x.shape();
    Type ta = x.type().withVis(Vis.ARITH);
    Type tb = y.type().withVis(Vis.ARITH);
    Type tc = productType(x, y, s);
    List<Value> t = dealer("mpc.dealer.triple", List.of(ta, tb, tc), "kind", 0, "dims",
        new int[] {s.size()});
    return beaver("mpc.beaver_mul", x, y, t, tc, Attrs.NONE);
  }

  /**
   * x * x from a dealer square pair (a, c = a * a): with e = x - a opened, x * x = c + 2 e a +
   * e * e. Half the traffic of a triple, online and from the dealer.
   */
  Value square(Value x) {
    Type ta = x.type().withVis(Vis.ARITH);
    Type tc = productType(x, x, x.shape());
    List<Value> t = dealer("mpc.dealer.square", List.of(ta, tc), "n", x.shape().size());
    Value e = openForProduct(subAA(x, t.get(0)));
    return g.add("mpc.beaver_square", List.of(e, t.get(0), t.get(1)), tc, Attrs.NONE, origin);
  }

  Value beaver(String op, Value x, Value y, List<Value> t, Type out, Attrs attrs) {
    Value e = openForProduct(subAA(x, t.get(0)));
    Value d = openForProduct(subAA(y, t.get(1)));
    return g.add(op, List.of(e, d, t.get(0), t.get(1), t.get(2)), out, attrs, origin);
  }

  /**
   * Secret x secret matmul; mm = [batch, m, k, n, aBatched, bBatched]. See {@link #bilinear}.
   */
  public Value matmulAA(Value x, Value y, int[] mm, Shape outShape) {
    return bilinear(x, y, 1, "mm", mm, "mpc.matmul_ap", "mpc.matmul_pa", outShape);
  }

  /** Secret x secret convolution; conv is the 16-int layout of MpcOps. */
  public Value convAA(Value x, Value w, int[] conv, Shape outShape) {
    return bilinear(x, w, 2, "conv", conv, "mpc.conv_ap", "mpc.conv_pa", outShape);
  }

  /**
   * Beaver product for a bilinear op *, written out as local ops so that the scheduler can move
   * whatever does not depend on the input offline. With triple (A, B, C = A * B), E = x - A and
   * D = w - B opened: x * w = C + A * D + E * (B + D), where party 0 alone adds D to its share of
   * B. When w is a weight, D is opened and C + A * D computed before any input arrives (the
   * weights are masked once per model), so online each party does one product E * (B + D).
   */
  private Value bilinear(Value x, Value w, int kind, String dimsName, int[] dims, String apOp,
      String paOp, Shape outShape) {
    Type tc = productType(x, w, outShape);
    List<Value> t = dealer("mpc.dealer.triple",
        List.of(x.type().withVis(Vis.ARITH), w.type().withVis(Vis.ARITH), tc), "kind", kind,
        "dims", dims);
    Value d = open(subAA(w, t.get(1)));
    Value e = open(subAA(x, t.get(0)));
    Value ad = op(apOp, List.of(t.get(0), d), tc, dimsName, dims);
    Value pre = op("mpc.add_aa", List.of(t.get(2), ad), tc, Attrs.NONE);
    Value bd = op("mpc.add_ap", List.of(t.get(1), d), t.get(1).type(), Attrs.NONE);
    Value ebd = op(paOp, List.of(e, bd), tc, dimsName, dims);
    return op("mpc.add_aa", List.of(pre, ebd), tc, Attrs.NONE);
  }

  /**
   * x * w for weights w private to one party (the model owner), x shared. With a dealer triple
   * (A, B, C = A * B) where the owner's share of A is zero and B is the owner's alone: the owner
   * publishes D = w - B once (offline), every party precomputes its share of
   * C + A * D = A * w offline, and online E = x - A is opened to the owner only, who adds
   * E * w. Online: one product, computed by the owner alone, and one message per other party.
   */
  public Value ownedProduct(Value x, Value w, int kind, String dimsName, int[] dims,
      Shape outShape) {
    return owned(x, w, kind, kind == 2 ? "mpc.conv_ap" : "mpc.matmul_ap",
        kind == 2 ? "mpc.conv_vv" : "mpc.matmul_vv", dimsName, dims, outShape);
  }

  /**
   * A 3x3 convolution with stride 1 and weights private to one party, through Winograd's
   * F(2x2, 3x3) (Lavin and Gray 2016): 16 multiplies per 2x2 output tile and channel pair
   * instead of 36. {@code u} [16, o, c] holds the owner's filters transformed to G w G^T (see
   * WinogradFilter), and the owner product of {@link #ownedProduct} runs on the map
   * f(x, u) = A^T [u . (B^T x B)] A, which is exactly bilinear over the ring because B and A
   * hold only 0 and +-1.
   */
  public Value ownedWinogradConv(Value x, Value u, int[] dims, Shape outShape) {
    return owned(x, u, 3, "mpc.wconv_ap", "mpc.wconv_vv", "conv", dims, outShape);
  }

  /** The owner product of {@link #ownedProduct}, with its bilinear map given by kind and ops. */
  private Value owned(Value x, Value w, int kind, String apOp, String vvOp, String dimsName,
      int[] dims, Shape outShape) {
    int owner = w.vis().owner();
    Type tc = Type.fixed(outShape, x.type().scale() + w.type().scale(), Vis.ARITH);
    List<Value> t = dealer("mpc.dealer.owner_triple",
        List.of(x.type().withVis(Vis.ARITH), w.type(), tc), "kind", kind, "dims", dims,
        "owner", owner);
    Value d = op("mpc.publish_masked", List.of(w, t.get(1)), w.type().withVis(Vis.PUBLIC),
        "owner", owner, "n", w.type().words());
    Value pre = op("mpc.add_aa", List.of(t.get(2), op(apOp, List.of(t.get(0), d), tc,
        dimsName, dims)), tc, Attrs.NONE);
    Value e = op("mpc.open_to", List.of(subAA(x, t.get(0))), x.type().withVis(Vis.privateTo(owner)),
        "to", owner, "n", x.type().words());
    Value ew = op(vvOp, List.of(e, w), tc.withVis(Vis.privateTo(owner)), dimsName, dims);
    return op("mpc.add_av", List.of(pre, ew), tc, "owner", owner);
  }

  /**
   * Ring values as the int pairs (high word first) of an INTS attribute: the encoding the
   * runtime reads back with Args.longPairs (lookup tables, comparison thresholds).
   */
  static int[] intPairs(long[] values) {
    int[] pairs = new int[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      pairs[2 * i] = (int) (values[i] >>> 32);
      pairs[2 * i + 1] = (int) values[i];
    }
    return pairs;
  }

  // ---- truncation ----

  /**
   * Brings a fixed-point share to scale {@code target} by an explicit truncation: with 2
   * parties locally (SecureML) unless the options ask for exact truncation, else through the
   * dealer ({@link #truncExact}).
   */
  public Value truncTo(Value x, int target) {
    int bits = x.type().scale() - target;
    if (bits == 0) {
      return x;
    }
    if (bits < 0) {
      return upscale(x, -bits);
    }
    if (parties == 2 && !exactTruncation) {
      return op("mpc.trunc_local", List.of(x), x.type().withScale(target), "f", bits);
    }
    return truncExact(x, target);
  }

  /**
   * Truncation to scale {@code target} through the dealer, for any number of parties: one
   * opening of x + 2^62 + r, exact up to one ulp for |x| < 2^62. For 2 parties {@link #truncTo}
   * is local instead (SecureML), which fails with probability about |x| / 2^64 per element;
   * this is for values large enough to make that matter.
   */
  public Value truncExact(Value x, int target) {
    int bits = x.type().scale() - target;
    if (bits <= 0) {
      return truncTo(x, target);
    }
    Type out = x.type().withScale(target);
    int n = x.shape().size();
    List<Value> r = dealer("mpc.dealer.trunc",
        List.of(Type.integer(x.shape(), Vis.ARITH), Type.integer(x.shape(), Vis.ARITH),
            Type.integer(x.shape(), Vis.ARITH)), "n", n, "f", bits);
    Value masked = addConst(op("mpc.add_aa", List.of(x, r.get(0)), x.type(), Attrs.NONE),
        TRUNC_OFFSET);
    Value z = open(masked);
    Value y = op("mpc.trunc_finish", List.of(z, r.get(1), r.get(2)), out, "f", bits);
    truncatedFrom.put(y, x);
    return y;
  }

  /**
   * The value that {@code y} is the dealer's truncation of, or null: a relu of y can open that
   * value instead and leave the truncation's own round out (Circuits.relu).
   */
  Value untruncated(Value y) {
    return truncatedFrom.get(y);
  }

  /** Truncates to the default precision. */
  public Value rescale(Value x) {
    return x.type().elem() == Elem.FIXED ? truncTo(x, precision) : x;
  }
}
