package onnx2mpc.passes.lower;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * Approximated functions (exp, log, reciprocal, sqrt, sigmoid, tanh, softmax, log-softmax, erf,
 * gelu, layer normalization, division), following CrypTen's structure with range reduction
 * first (see {@link ApproxMath} for the methods, docs/approximations.md for the measured
 * accuracy, rounds and bytes). Elementwise functions work on the flattened tensor; the
 * reductions (softmax, layer normalization) view their input as [outer, axis, inner].
 */
final class LowerApprox {
  /** Tensor ops lowered here. */
  static final Set<String> OPS = Set.of("tensor.exp", "tensor.log", "tensor.sqrt",
      "tensor.reciprocal", "tensor.sigmoid", "tensor.tanh", "tensor.erf", "tensor.gelu",
      "tensor.softmax", "tensor.log_softmax", "tensor.layer_norm", "tensor.div", "tensor.pow");

  /** Their ONNX names, for error messages. */
  static final List<String> ONNX_NAMES = List.of("Exp", "Log", "Sqrt", "Reciprocal", "Sigmoid",
      "Tanh", "Erf", "Gelu", "Softmax", "LogSoftmax", "LayerNormalization",
      "Div (by a secret)", "Pow (fractional or negative constant exponent)");

  private final Lowering l;
  private final MpcBuilder b;
  private final ApproxKit kit;
  private final ApproxMath math;

  LowerApprox(Lowering l) {
    this.l = l;
    this.b = l.b;
    this.kit = new ApproxKit(l.b, l.circuits);
    this.math = new ApproxMath(kit);
  }

  /** Lowers one node; returns one value per result. */
  List<Value> lower(Node n) {
    kit.at(n.origin());
    Value out = switch (n.op()) {
      case "tensor.exp" -> elementwise(n, x -> math.exp(x, ApproxMath.EXP_MAX_LOG2));
      case "tensor.log" -> elementwise(n, math::log);
      case "tensor.sqrt" -> elementwise(n, math::sqrt);
      case "tensor.reciprocal" -> elementwise(n, math::reciprocal);
      case "tensor.sigmoid" -> elementwise(n, math::sigmoid);
      case "tensor.tanh" -> elementwise(n, math::tanh);
      case "tensor.erf" -> elementwise(n, math::erf);
      case "tensor.gelu" -> elementwise(n, math::gelu);
      case "tensor.softmax" -> softmax(n, false);
      case "tensor.log_softmax" -> softmax(n, true);
      case "tensor.layer_norm" -> layerNorm(n);
      case "tensor.div" -> div(n);
      case "tensor.pow" -> pow(n);
      default -> throw new IrException(n, "expected an op of " + OPS + ", but found " + n.op());
    };
    return List.of(out);
  }

  /** The secret operand as reals at scale f. */
  private Value real(Node n, int i) {
    Value x = l.secret(n.input(i));
    if (x.type().elem() != Elem.FIXED) {
      throw new IrException(n, "expected a real operand " + i + ", but found " + x.type());
    }
    return b.truncTo(x, b.precision);
  }

  private Value elementwise(Node n, UnaryOperator<Value> fn) {
    Value x = real(n, 0);
    return kit.reshape(fn.apply(kit.flat(x)), n.output().shape());
  }

  /** [outer, axis, inner] around {@code axis} of a shape. */
  private static int[] around(Shape s, int axis) {
    int outer = 1;
    int inner = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s.dim(i);
    }
    for (int i = axis + 1; i < s.rank(); i++) {
      inner *= s.dim(i);
    }
    return new int[] {outer, s.dim(axis), inner};
  }

  /**
   * softmax(x) = e / sum(e) with e = exp(x - max x) along the axis (CrypTen's
   * functions/maximum.py softmax): the max is a tree of pairwise max over slices of the axis
   * (ceil(log2 d) comparison levels); x - max <= 0 so exp needs no thermometer bits above 0;
   * the sum lies in [1, d], where the reciprocal (log for log-softmax) is one polynomial for
   * small d. log_softmax(x) = (x - max) - log(sum e).
   */
  private Value softmax(Node n, boolean log) {
    Value x = real(n, 0);
    Shape s = x.shape();
    int[] oai = around(s, n.attrs().getInt("axis"));
    Shape cube = Shape.of(oai);
    Value v = kit.reshape(x, cube);
    if (oai[1] == 1) {
      Value zero = b.subAA(x, x);
      return kit.reshape(log ? zero : kit.addReal(zero, 1), n.output().shape());
    }
    Value mx = maxAlong(v, oai[0], oai[1], oai[2]);
    Value z = b.subAA(v, kit.expand(mx, cube));
    Value e = kit.reshape(math.exp(kit.flat(z), 0), cube);
    Shape reduced = Shape.of(oai[0], 1, oai[2]);
    Value sum = b.op("mpc.reduce_sum", List.of(e), e.type().withShape(Shape.of(oai[0] * oai[2])),
        "outer", oai[0], "reduce", oai[1], "inner", oai[2]);
    double lo = 1 - 1.0 / 64;
    Value y;
    if (log) {
      Value ls = kit.reshape(math.logIn(sum, lo, oai[1]), reduced);
      y = b.subAA(z, kit.expand(ls, cube));
    } else {
      Value r = kit.reshape(math.reciprocalIn(sum, lo, oai[1]), reduced);
      y = kit.mul(e, kit.expand(r, cube));
    }
    return kit.reshape(y, n.output().shape());
  }

  /** max over the middle axis of [outer, d, inner], as [outer, 1, inner]. */
  private Value maxAlong(Value v, int outer, int d, int inner) {
    Value cur = v;
    int rows = d;
    while (rows > 1) {
      int pairs = rows / 2;
      Value mx = l.circuits.max(middle(cur, outer, rows, inner, 0, pairs),
          middle(cur, outer, rows, inner, 1, pairs));
      if (rows % 2 == 1) {
        Value last = middle(cur, outer, rows, inner, rows - 1, 1);
        mx = b.op("mpc.concat", List.of(mx, last),
            mx.type().withShape(Shape.of(outer, pairs + 1, inner)), "outer", outer, "inners",
            new int[] {pairs * inner, inner});
      }
      cur = mx;
      rows = pairs + rows % 2;
    }
    return cur;
  }

  /** Middle-axis indices start, start + 2, ... (count of them) of [outer, rows, inner]. */
  private Value middle(Value v, int outer, int rows, int inner, int start, int count) {
    return b.op("mpc.slice", List.of(v), v.type().withShape(Shape.of(outer, count, inner)),
        "dims", new int[] {outer, rows, inner}, "starts", new int[] {0, start, 0}, "steps",
        new int[] {1, count == 1 ? 1 : 2, 1}, "outDims", new int[] {outer, count, inner});
  }

  /**
   * ONNX LayerNormalization over axes axis..rank-1: mean and variance by local sums and one
   * product, 1/sqrt(var + epsilon) per row (normalised, see {@link ApproxMath#invSqrt}), then
   * (x - mean) * that * scale + bias, as ONNX defines it. With CrypTen's inv_sqrt (3 Newton
   * steps from an exp-based guess) a small variance would be badly off.
   */
  private Value layerNorm(Node n) {
    Value x = real(n, 0);
    Shape s = x.shape();
    int axis = n.attrs().getInt("axis");
    int outer = around(s, axis)[0];
    int width = s.size() / Math.max(outer, 1);
    Shape rows = Shape.of(outer, width);
    Shape col = Shape.of(outer, 1);
    Value v = kit.reshape(x, rows);
    Value mean = kit.scale(rowSum(v, outer, width), 1.0 / width);
    Value c = b.subAA(v, kit.expand(kit.reshape(mean, col), rows));
    Value sq = b.truncTo(rowSum(b.mulAA(c, c), outer, width), b.precision);
    Value var = kit.addReal(kit.scale(sq, 1.0 / width), n.attrs().getDouble("epsilon"));
    double eps = Math.max(n.attrs().getDouble("epsilon"), Math.scalb(1.0, -b.precision));
    int lo = Math.max(math.minLog4(), (int) Math.floor(Math.log(eps) / Math.log(4)));
    Value inv = math.invSqrt(var, lo);
    Value y = kit.reshape(kit.mul(c, kit.expand(kit.reshape(inv, col), rows)), s);
    y = l.multiply(y, l.get(n.input(1)), s);
    if (n.inputs().size() > 2) {
      Value bias = l.broadcast(l.get(n.input(2)), s);
      y = bias.vis().isPublic() ? b.addAP(y, bias) : b.addAA(y, l.toShares(bias));
    }
    return kit.reshape(y, n.output().shape());
  }

  private Value rowSum(Value v, int outer, int width) {
    return b.op("mpc.reduce_sum", List.of(v), v.type().withShape(Shape.of(outer)), "outer",
        outer, "reduce", width, "inner", 1);
  }

  /**
   * a / y. A constant y (public or the weights owner's) is inverted at compile time and
   * multiplied; a secret y goes through {@link ApproxMath#reciprocal} (any sign, |y| in
   * [2^-8, 2^18)) and one product, as CrypTen's div does.
   */
  private Value div(Node n) {
    Shape out = n.output().shape();
    Value y = n.input(1);
    if (n.output().type().elem() != Elem.FIXED) {
      throw new IrException(n, "expected a real division, but found " + n.output().type()
          + "; integer division of secret values is not supported");
    }
    if (l.isConstant(y)) {
      Tensor t = l.constantData(y);
      double[] inv = t.reals().clone();
      for (int i = 0; i < inv.length; i++) {
        inv[i] = 1 / inv[i];
      }
      Vis vis = l.isPublicConstant(y) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
      Value c = b.constant(n.origin() + ".inverse", Tensor.reals(t.shape(), inv), b.precision,
          vis);
      return l.multiply(l.get(n.input(0)), c, out);
    }
    Value r = kit.reshape(math.reciprocal(kit.flat(real(n, 1))), y.shape());
    return l.multiply(l.get(n.input(0)), r, out);
  }

  /**
   * x^e for a public constant exponent e, the same for every element, that LowerExact does not
   * take (not a non-negative integer): sqrt for 1/2, 1/sqrt for -1/2, the reciprocal for -1,
   * else exp(e log x) for x > 0 (CrypTen's pow does the same through log and exp).
   */
  private Value pow(Node n) {
    Value ex = n.input(1);
    double[] e = l.isPublicConstant(ex) ? l.constantData(ex).reals() : new double[0];
    if (e.length == 0 || Arrays.stream(e).anyMatch(v -> v != e[0])) {
      throw new IrException(n, "expected one public constant exponent, but found exponent "
          + ex);
    }
    Shape out = n.output().shape();
    Value x = kit.flat(l.broadcast(real(n, 0), out));
    Value y;
    if (e[0] == 0.5) {
      y = math.sqrt(x);
    } else if (e[0] == -0.5) {
      y = math.invSqrt(x, math.minLog4());
    } else if (e[0] == -1) {
      y = math.reciprocal(x);
    } else {
      y = math.exp(kit.scale(math.log(x), e[0]), ApproxMath.EXP_MAX_LOG2);
    }
    return kit.reshape(y, out);
  }
}
