package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * Exact nonlinear ops built from comparisons (abs, sign, leaky relu, clip, max, min,
 * comparisons, where, argmax) and the remaining arithmetic and data movement ops (sum, division
 * by a constant, integer powers, reductions, split, gather, expand, transposed convolution).
 * "Exact" means no approximation: the only errors are the fixed-point encoding and the usual
 * one-ulp truncations of products by non-integers.
 *
 * <p>Every comparison is one msb circuit on a difference, [x < y] = msb(x - y) (see
 * {@link Circuits}); its bit is used either through {@link Circuits#mulBit} (x * bit in one
 * round after the bit) or converted to arithmetic 0/1 by B2A (one round). Independent circuits
 * (clip's two relus, equal's two comparisons, one tree level) share their rounds. Rounds below
 * are the plan's for 2 parties, where msb takes 3 (the masked opening and 2 AND levels), as it
 * does for any number of parties; with 3 or 4 parties a truncation by a non-integer constant
 * costs one round (dealer-assisted) instead of none.
 *
 * <pre>
 * op             formula                                                  rounds, 2 parties
 * abs            2 relu(x) - x                                            4
 * sign           [x > 0] - [x < 0] = b2a(msb(-x)) - b2a(msb(x))           4
 * leaky_relu     x - (1 - alpha) x [x < 0]                                4
 * clip           lo + relu(x - lo) - relu(x - hi)                         4
 * max, min       tree of y + relu(x - y), y - relu(y - x)                 4 per level
 * greater, less  b2a(msb(y - x)), b2a(msb(x - y))                         4
 * equal          1 - [x < y] - [y < x]                                    4
 * where          Y + C (X - Y)                                            1; 0 for public C
 * argmax         tournament, one bit selects value and index              4 per level
 * sum            additions                                                0
 * div            x * (1 / k), k constant                                  0; 1 if k private
 * pow            square and multiply, constant integer k >= 0             1 per product level
 * reduce_sum     mpc.reduce_sum per group of adjacent axes                0
 * reduce_mean    reduce_sum * (1 / count)                                 0
 * split, gather, expand   mpc.slice, mpc.concat, mpc.expand               0
 * conv_transpose conv of the stride-spread input with flipped weights     as conv: 0 or 1
 * </pre>
 */
final class LowerExact {
  /** Tensor ops lowered here. */
  static final Set<String> OPS = Set.of("tensor.abs", "tensor.sign", "tensor.leaky_relu",
      "tensor.clip", "tensor.max", "tensor.min", "tensor.greater", "tensor.less",
      "tensor.equal", "tensor.where", "tensor.argmax", "tensor.sum", "tensor.div", "tensor.pow",
      "tensor.reduce_sum", "tensor.reduce_mean", "tensor.split", "tensor.gather",
      "tensor.expand", "tensor.conv_transpose");

  /** Their ONNX names, for error messages. */
  static final List<String> ONNX_NAMES = List.of("Abs", "Sign", "LeakyRelu", "Clip", "Max",
      "Min", "Greater", "Less", "Equal", "Where", "ArgMax", "Sum", "Div (by a constant)",
      "Pow (by a constant integer >= 0)", "ReduceSum", "ReduceMean", "Split",
      "Gather (constant indices)", "Expand", "ConvTranspose");

  /** Largest extra precision (bits beyond f) given to a small constant factor. */
  private static final int MAX_EXTRA_BITS = 24;

  final Lowering l;
  final MpcBuilder b;
  final Circuits c;
  private final LowerExactCompare compare;
  private final LowerExactArith arith;
  private final LowerExactData data;

  LowerExact(Lowering l) {
    this.l = l;
    this.b = l.b;
    this.c = l.circuits;
    this.compare = new LowerExactCompare(this);
    this.arith = new LowerExactArith(this);
    this.data = new LowerExactData(this);
  }

  /** Lowers one node; returns one value per result. */
  List<Value> lower(Node n) {
    return switch (n.op()) {
      case "tensor.split" -> data.split(n);
      case "tensor.abs", "tensor.sign", "tensor.leaky_relu", "tensor.clip", "tensor.max",
          "tensor.min", "tensor.greater", "tensor.less", "tensor.equal", "tensor.where",
          "tensor.argmax" -> List.of(compare.lower(n));
      case "tensor.sum", "tensor.reduce_sum", "tensor.reduce_mean" -> List.of(arith.lower(n));
      case "tensor.div" -> arith.div(n);
      case "tensor.pow" -> arith.pow(n);
      case "tensor.gather", "tensor.expand", "tensor.conv_transpose" -> List.of(data.lower(n));
      default -> throw new IrException(n, "expected an op of " + OPS + ", but found " + n.op());
    };
  }

  /**
   * Hands a node this class cannot lower exactly (division by a secret, a fractional power) to
   * {@link LowerApprox} when that class declares the op, else fails naming what is supported.
   */
  List<Value> approximate(Node n, String expected, String found) {
    if (LowerApprox.OPS.contains(n.op())) {
      return new LowerApprox(l).lower(n);
    }
    throw new IrException(n, "expected " + expected + ", but found " + found);
  }

  // ---- operands ----

  /** Shares a private value; public and shared values are returned as they are. */
  Value shareIfPrivate(Value v) {
    return v.vis().isPrivate() ? l.toShares(v) : v;
  }

  /** Raises v to {@code scale} fractional bits (an INT 0/1 becomes fixed point); never lowers. */
  Value raise(Value v, int scale) {
    int have = v.type().scale();
    return have >= scale ? v : b.upscale(v, scale - have);
  }

  Value add(Value x, Value y, Shape out) {
    return combine(x, y, out, false);
  }

  Value sub(Value x, Value y, Shape out) {
    return combine(x, y, out, true);
  }

  /**
   * x + y or x - y as shares, numpy-broadcast to {@code out}, at the larger of the two scales.
   * At least one operand must be secret; a public one is added by party 0 only.
   */
  private Value combine(Value x, Value y, Shape out, boolean minus) {
    if (x.vis().isPublic() && y.vis().isPublic()) {
      throw new IrException(x.def(), "expected a secret operand, but both are public");
    }
    int s = Math.max(x.type().scale(), y.type().scale());
    Value xb = l.broadcast(raise(shareIfPrivate(x), s), out);
    Value yb = l.broadcast(raise(shareIfPrivate(y), s), out);
    if (xb.vis().isPublic()) {
      return minus ? b.subPA(xb, yb) : b.addAP(yb, xb);
    }
    if (yb.vis().isPublic()) {
      return minus ? b.subAP(xb, yb) : b.addAP(xb, yb);
    }
    return minus ? b.subAA(xb, yb) : b.addAA(xb, yb);
  }

  /**
   * The lowered operands of a commutative variadic op (sum, max, min), with all public
   * constants folded at compile time into one public operand, placed last.
   */
  List<Value> foldPublic(Node n) {
    List<Value> secret = new ArrayList<>();
    List<Value> pub = new ArrayList<>();
    for (Value v : n.inputs()) {
      (l.isPublicConstant(v) ? pub : secret).add(v);
    }
    if (secret.isEmpty()) {
      throw new IrException(n, "expected a secret operand, but all are public (should have"
          + " been folded)");
    }
    List<Value> out = new ArrayList<>();
    for (Value v : secret) {
      out.add(l.get(v));
    }
    if (pub.size() == 1) {
      out.add(l.get(pub.get(0)));
    } else if (pub.size() > 1) {
      Tensor t = Interpreter.eval(n.op(), pub.stream().map(l::constantData).toList(),
          Attrs.NONE).get(0);
      out.add(b.publicReal(n.origin() + ".folded", t));
    }
    return out;
  }

  /** Shares of zero, of type {@code t}, derived locally from the shares {@code like}. */
  Value zeros(Value like, Type t) {
    return b.op("mpc.mul_const", List.of(like), t.withVis(Vis.ARITH), "c", 0L);
  }

  /** Shares of the public constant {@code value} (at v's scale) in v's shape and kind. */
  Value constantLike(Value v, long value) {
    return b.addConst(zeros(v, v.type()), value);
  }

  /**
   * x * k for a constant tensor k (broadcast to {@code out}) of visibility {@code vis}, at
   * {@code target} fractional bits. k is encoded with s = f + e bits, e = max(0, -floor(log2
   * max|k|)), so a small factor such as 1/255 or 1/1000 keeps f significant bits; the product,
   * at scale scale(x) + s, is of the size of an ordinary product and is truncated once.
   */
  Value mulConstant(Value x, Tensor k, Vis vis, Shape out, int target, String name) {
    double max = 0;
    for (double v : k.reals()) {
      max = Math.max(max, Math.abs(v));
    }
    int extra = max == 0 ? 0
        : Math.min(MAX_EXTRA_BITS, Math.max(0, -Math.getExponent(max)));
    int s = b.precision + extra;
    Value xs = l.broadcast(shareIfPrivate(x), out);
    if (xs.vis().isPublic()) {
      throw new IrException(x.def(), "expected a secret operand, but found a public value");
    }
    Type zt = Type.fixed(out, xs.type().scale() + s, Vis.ARITH);
    Value z;
    if (k.size() == 1 && vis.isPublic()) {
      z = b.op("mpc.mul_const", List.of(xs), zt, "c", Math.round(Math.scalb(k.reals()[0], s)));
    } else {
      Value kc = l.broadcast(b.constant(name, Tensor.reals(k.shape(), k.reals()), s, vis), out);
      z = kc.vis().isPublic() ? b.mulAP(xs, kc) : b.mulAA(xs, l.toShares(kc));
    }
    return b.truncTo(z, target);
  }

  /** Reshape, skipped when the shape already matches. */
  Value reshape(Value v, Shape s) {
    return v.shape().equals(s) ? v
        : b.op("mpc.reshape", List.of(v), v.type().withShape(s), Attrs.NONE);
  }

  static boolean isInt(Value v) {
    return v.type().elem() == Elem.INT;
  }
}
