package onnx2mpc.ir.interp;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * Elementwise ops with numpy broadcasting. Integer tensors stay integer where ONNX keeps them
 * integer (shape arithmetic such as {@code Mul(Gather(Shape(x)), 2)}): add, sub, mul, div
 * (truncating, like C), pow, neg, abs, sign, relu, clip, max, min, sum and where.
 */
final class ElementwiseKernels {
  private ElementwiseKernels() {}

  static Tensor binary(String op, Tensor a, Tensor b) {
    Shape out = ShapeInference.broadcast(List.of(a.shape(), b.shape()));
    if (a.isInt() && b.isInt()) {
      LongBinaryOperator f = switch (op) {
        case "tensor.add", "tensor.sum" -> Long::sum;
        case "tensor.sub" -> (x, y) -> x - y;
        case "tensor.mul" -> (x, y) -> x * y;
        case "tensor.div" -> (x, y) -> {
          if (y == 0) {
            throw new ArithmeticException("integer division by zero");
          }
          return x / y;
        };
        case "tensor.pow" -> (x, y) -> (long) Math.pow(x, y);
        case "tensor.max" -> Math::max;
        case "tensor.min" -> Math::min;
        case "tensor.greater" -> (x, y) -> x > y ? 1 : 0;
        case "tensor.less" -> (x, y) -> x < y ? 1 : 0;
        case "tensor.equal" -> (x, y) -> x == y ? 1 : 0;
        default -> throw new IllegalArgumentException("not a binary op: " + op);
      };
      long[] x = Broadcast.expand(a.ints(), a.shape(), out);
      long[] y = Broadcast.expand(b.ints(), b.shape(), out);
      long[] r = new long[out.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = f.applyAsLong(x[i], y[i]);
      }
      return Tensor.ints(out, r);
    }
    double[] x = Broadcast.expand(a.reals(), a.shape(), out);
    double[] y = Broadcast.expand(b.reals(), b.shape(), out);
    switch (op) {
      case "tensor.greater", "tensor.less", "tensor.equal" -> {
        long[] r = new long[out.size()];
        for (int i = 0; i < r.length; i++) {
          boolean t = op.equals("tensor.greater") ? x[i] > y[i]
              : op.equals("tensor.less") ? x[i] < y[i] : x[i] == y[i];
          r[i] = t ? 1 : 0;
        }
        return Tensor.ints(out, r);
      }
      default -> { }
    }
    double[] r = new double[out.size()];
    // The hot ops get their own loops (the JIT vectorizes these, not a lambda call).
    switch (op) {
      case "tensor.add", "tensor.sum" -> {
        for (int i = 0; i < r.length; i++) {
          r[i] = x[i] + y[i];
        }
      }
      case "tensor.mul" -> {
        for (int i = 0; i < r.length; i++) {
          r[i] = x[i] * y[i];
        }
      }
      default -> {
        DoubleBinaryOperator f = switch (op) {
          case "tensor.sub" -> (p, q) -> p - q;
          case "tensor.div" -> (p, q) -> p / q;
          case "tensor.pow" -> Math::pow;
          // Math.max/min propagate NaN as ONNX Max/Min do.
          case "tensor.max" -> Math::max;
          case "tensor.min" -> Math::min;
          default -> throw new IllegalArgumentException("not a binary op: " + op);
        };
        for (int i = 0; i < r.length; i++) {
          r[i] = f.applyAsDouble(x[i], y[i]);
        }
      }
    }
    return Tensor.reals(out, r);
  }

  /** sum, max, min over any number of operands, folded left to right. */
  static Tensor variadic(String op, List<Tensor> ins) {
    Tensor acc = ins.get(0);
    for (int i = 1; i < ins.size(); i++) {
      acc = binary(op, acc, ins.get(i));
    }
    return acc;
  }

  static Tensor unary(String op, Tensor t, Attrs a) {
    if (t.isInt()) {
      LongUnaryOperator f = switch (op) {
        case "tensor.neg" -> v -> -v;
        case "tensor.abs" -> Math::abs;
        case "tensor.sign" -> Long::signum;
        case "tensor.relu" -> v -> Math.max(v, 0);
        default -> null;
      };
      if (f != null) {
        long[] x = t.ints();
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
          r[i] = f.applyAsLong(x[i]);
        }
        return Tensor.ints(t.shape(), r);
      }
      if (op.equals("tensor.clip")) {
        double lo = a.getDouble("min");
        double hi = a.getDouble("max");
        long[] x = t.ints();
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
          r[i] = (long) Math.min(Math.max(x[i], lo), hi);
        }
        return Tensor.ints(t.shape(), r);
      }
    }
    DoubleUnaryOperator f = switch (op) {
      case "tensor.neg" -> v -> -v;
      case "tensor.abs" -> Math::abs;
      case "tensor.sign" -> Math::signum;
      case "tensor.relu" -> v -> v > 0 ? v : 0;
      case "tensor.leaky_relu" -> {
        double alpha = a.getDouble("alpha");
        yield v -> v < 0 ? alpha * v : v;
      }
      case "tensor.clip" -> {
        double lo = a.getDouble("min");
        double hi = a.getDouble("max");
        yield v -> Math.min(Math.max(v, lo), hi);
      }
      case "tensor.sigmoid" -> SpecialFunctions::sigmoid;
      case "tensor.tanh" -> Math::tanh;
      case "tensor.exp" -> Math::exp;
      case "tensor.log" -> Math::log;
      case "tensor.sqrt" -> Math::sqrt;
      case "tensor.reciprocal" -> v -> 1 / v;
      case "tensor.erf" -> SpecialFunctions::erf;
      case "tensor.gelu" -> SpecialFunctions::gelu;
      default -> throw new IllegalArgumentException("not a unary op: " + op);
    };
    double[] x = t.reals();
    double[] r = new double[x.length];
    if (op.equals("tensor.relu")) {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] > 0 ? x[i] : 0;
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = f.applyAsDouble(x[i]);
      }
    }
    return Tensor.reals(t.shape(), r);
  }

  /** A condition as 0/1 (a real condition is true where non-zero, not where >= 1). */
  private static long[] truth(Tensor c) {
    if (c.isInt()) {
      return c.ints();
    }
    double[] d = c.reals();
    long[] r = new long[d.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = d[i] != 0 ? 1 : 0;
    }
    return r;
  }

  static Tensor where(Tensor c, Tensor x, Tensor y) {
    Shape out = ShapeInference.broadcast(List.of(c.shape(), x.shape(), y.shape()));
    long[] cc = Broadcast.expand(truth(c), c.shape(), out);
    if (x.isInt() && y.isInt()) {
      long[] xx = Broadcast.expand(x.ints(), x.shape(), out);
      long[] yy = Broadcast.expand(y.ints(), y.shape(), out);
      long[] r = new long[cc.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = cc[i] != 0 ? xx[i] : yy[i];
      }
      return Tensor.ints(out, r);
    }
    double[] xx = Broadcast.expand(x.reals(), x.shape(), out);
    double[] yy = Broadcast.expand(y.reals(), y.shape(), out);
    double[] r = new double[cc.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = cc[i] != 0 ? xx[i] : yy[i];
    }
    return Tensor.reals(out, r);
  }
}
