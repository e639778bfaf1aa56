package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * The arithmetic ops of {@link LowerExact}: sum, reduce_sum, reduce_mean, division by a
 * constant and powers with a constant integer exponent. Only products of two secrets
 * communicate (pow); everything else is local up to a truncation.
 */
final class LowerExactArith {
  private final LowerExact e;
  private final Lowering l;
  private final MpcBuilder b;

  LowerExactArith(LowerExact e) {
    this.e = e;
    this.l = e.l;
    this.b = e.b;
  }

  Value lower(Node n) {
    return switch (n.op()) {
      case "tensor.sum" -> sum(n);
      case "tensor.reduce_sum" -> reduce(n, false);
      case "tensor.reduce_mean" -> reduce(n, true);
      default -> throw new IrException(n, "expected sum or a reduction, but found " + n.op());
    };
  }

  /** Sum of any number of operands with broadcasting; public constants are folded first. */
  private Value sum(Node n) {
    Shape out = n.output().shape();
    List<Value> ops = e.foldPublic(n);
    Value acc = l.broadcast(e.shareIfPrivate(ops.get(0)), out);
    for (int i = 1; i < ops.size(); i++) {
      acc = e.add(acc, ops.get(i), out);
    }
    return acc;
  }

  /**
   * Sum (or mean) over the listed axes: one local mpc.reduce_sum per group of adjacent axes,
   * viewing the value as [outer, reduced, inner]; groups are reduced from the last, so the
   * earlier axes keep their positions. keepdims only changes the final shape. The mean then
   * multiplies by 1 / count (see {@link LowerExact#mulConstant}).
   */
  private Value reduce(Node n, boolean mean) {
    Value x = l.secret(n.input(0));
    int[] axes = n.attrs().getInts("axes").clone();
    Arrays.sort(axes);
    List<Integer> dims = new ArrayList<>();
    for (int d : x.shape().dims()) {
      dims.add(d);
    }
    Value v = x;
    int hi = axes.length - 1;
    while (hi >= 0) {
      int lo = hi;
      while (lo > 0 && axes[lo - 1] == axes[lo] - 1) {
        lo--;
      }
      int first = axes[lo];
      int last = axes[hi];
      int outer = 1;
      int reduced = 1;
      int inner = 1;
      for (int i = 0; i < dims.size(); i++) {
        if (i < first) {
          outer *= dims.get(i);
        } else if (i <= last) {
          reduced *= dims.get(i);
        } else {
          inner *= dims.get(i);
        }
      }
      dims.subList(first, last + 1).clear();
      Shape s = Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
      v = b.op("mpc.reduce_sum", List.of(v), v.type().withShape(s), "outer", outer, "reduce",
          reduced, "inner", inner);
      hi = lo - 1;
    }
    Shape out = n.output().shape();
    v = e.reshape(v, out);
    if (!mean) {
      return v;
    }
    int count = x.shape().size() / Math.max(1, out.size());
    return count == 1 ? v : e.mulConstant(v, Tensor.scalar(1.0 / count), Vis.PUBLIC, out,
        b.precision, n.origin() + ".inverse_count");
  }

  /**
   * x / k for a constant k (public, or the weights owner's): x * (1 / k), the reciprocal
   * computed at compile time. A secret divisor is an approximation (Newton's reciprocal), left
   * to {@link LowerApprox}. Integer division of integers (which truncates) is not supported.
   */
  List<Value> div(Node n) {
    Value divisor = n.input(1);
    if (!l.isConstant(divisor)) {
      return e.approximate(n, "a constant divisor", "a computed or input divisor "
          + divisor);
    }
    Tensor k = l.constantData(divisor);
    Value x = l.secret(n.input(0));
    if (k.isInt() && LowerExact.isInt(x)) {
      throw new IrException(n, "expected a real dividend or divisor, but found integer division"
          + " (which truncates) of secret integers");
    }
    double[] kd = k.reals();
    double[] inv = new double[kd.length];
    for (int i = 0; i < kd.length; i++) {
      if (kd[i] == 0) {
        throw new IrException(n, "expected a non-zero divisor, but element " + i + " is 0");
      }
      inv[i] = 1.0 / kd[i];
    }
    Vis vis = l.isPublicConstant(divisor) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
    return List.of(e.mulConstant(x, Tensor.reals(k.shape(), inv), vis, n.output().shape(),
        b.precision, n.origin() + ".reciprocal"));
  }

  /**
   * x^k for a public constant integer k >= 0 (every element of the exponent equal): square and
   * multiply. The squarings x^(2^i) form a chain of floor(log2 k) products; the factors picked
   * by k's one bits are multiplied in a balanced tree, ceil(log2 popcount(k)) more levels. Each
   * product is one Beaver round plus a truncation. Other exponents go to {@link LowerApprox}.
   */
  List<Value> pow(Node n) {
    Value ex = n.input(1);
    if (!l.isPublicConstant(ex)) {
      return e.approximate(n, "a public constant exponent", "exponent " + ex);
    }
    double[] k = l.constantData(ex).reals();
    double k0 = k.length == 0 ? 0 : k[0];
    boolean uniform = Arrays.stream(k).allMatch(v -> v == k0);
    if (!uniform || k0 != Math.rint(k0) || k0 < 0 || k0 > 1 << 20) {
      return e.approximate(n, "one non-negative integer exponent",
          "exponents " + Arrays.toString(Arrays.copyOf(k, Math.min(4, k.length))));
    }
    long power = (long) k0;
    Shape out = n.output().shape();
    Value x = l.broadcast(l.secret(n.input(0)), out);
    if (power == 0) {
      return List.of(e.constantLike(x, 1L << x.type().scale()));
    }
    List<Value> factors = new ArrayList<>();
    Value p = x;
    while (true) {
      if ((power & 1) != 0) {
        factors.add(p);
      }
      power >>= 1;
      if (power == 0) {
        break;
      }
      p = b.rescale(b.mulAA(p, p));
    }
    while (factors.size() > 1) {
      List<Value> next = new ArrayList<>();
      for (int i = 0; i + 1 < factors.size(); i += 2) {
        next.add(b.rescale(b.mulAA(factors.get(i), factors.get(i + 1))));
      }
      if (factors.size() % 2 == 1) {
        next.add(factors.get(factors.size() - 1));
      }
      factors = next;
    }
    return List.of(factors.get(0));
  }
}
