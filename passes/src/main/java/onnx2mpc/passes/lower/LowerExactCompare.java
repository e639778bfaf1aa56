package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * The comparison-based ops of {@link LowerExact}: abs, sign, leaky relu, clip, max, min,
 * greater, less, equal, where and argmax. Each costs one msb circuit (independent circuits run
 * in the same rounds) plus one round to use the bit; see the table in {@link LowerExact}.
 */
final class LowerExactCompare {
  private final LowerExact e;
  private final Lowering l;
  private final MpcBuilder b;
  private final Circuits c;

  LowerExactCompare(LowerExact e) {
    this.e = e;
    this.l = e.l;
    this.b = e.b;
    this.c = e.c;
  }

  Value lower(Node n) {
    Shape out = n.output().shape();
    return switch (n.op()) {
      case "tensor.abs" -> abs(l.secret(n.input(0)));
      case "tensor.sign" -> sign(l.secret(n.input(0)));
      case "tensor.leaky_relu" -> leakyRelu(l.secret(n.input(0)), n.attrs().getDouble("alpha"));
      case "tensor.clip" -> clip(l.secret(n.input(0)), n.attrs().getDouble("min"),
          n.attrs().getDouble("max"));
      case "tensor.max", "tensor.min" -> maxMin(n, n.op().equals("tensor.max"), out);
      case "tensor.greater", "tensor.less", "tensor.equal" -> compare(n, out);
      case "tensor.where" -> where(n, out);
      case "tensor.argmax" -> argmax(n);
      default -> throw new IrException(n, "expected a comparison op, but found " + n.op());
    };
  }

  /** |x| = 2 relu(x) - x: exact, one relu. */
  private Value abs(Value x) {
    return b.subAA(b.mulConst(c.relu(x), 2), x);
  }

  /**
   * sign(x) = [x > 0] - [x < 0] = msb(-x) - msb(x) (so sign(0) = 0, as ONNX wants); the two
   * circuits are independent and share their rounds. The result has x's scale.
   */
  private Value sign(Value x) {
    Value pos = c.b2a(c.msb(b.neg(x)), x.shape());
    Value neg = c.b2a(c.msb(x), x.shape());
    return b.upscale(b.subAA(pos, neg), x.type().scale());
  }

  /**
   * leaky_relu(x) = x - (1 - alpha) x [x < 0]: exact for x >= 0 and one truncation otherwise.
   * (1 - alpha) x is truncated while the msb circuit runs, so the select is the only extra round.
   */
  private Value leakyRelu(Value x, double alpha) {
    if (alpha == 1.0) {
      return x;
    }
    if (alpha == 0.0) {
      return c.relu(x);
    }
    Value scaled = e.mulConstant(x, Tensor.scalar(1.0 - alpha), Vis.PUBLIC, x.shape(),
        x.type().scale(), "leaky_relu.factor");
    return b.subAA(x, c.mulBit(scaled, c.msb(x)));
  }

  /**
   * clip(x, lo, hi) = lo + relu(x - lo) - relu(x - hi) for lo <= hi (below lo both relus are 0;
   * between, the first is x - lo; above hi, they differ by hi - lo). The two relus are
   * independent, so ReLU6 costs what one relu costs. An infinite bound drops its relu.
   */
  private Value clip(Value x, double lo, double hi) {
    boolean integer = LowerExact.isInt(x);
    double f = Math.scalb(1.0, x.type().scale());
    if (lo > hi) {
      // min(max(x, lo), hi) = hi everywhere.
      return e.constantLike(x, integer ? (long) Math.floor(hi) : Math.round(hi * f));
    }
    Value y = x;
    if (lo != Double.NEGATIVE_INFINITY) {
      long low = integer ? (long) Math.ceil(lo) : Math.round(lo * f);
      y = b.addConst(c.relu(b.addConst(x, -low)), low);
    }
    if (hi != Double.POSITIVE_INFINITY) {
      long high = integer ? (long) Math.floor(hi) : Math.round(hi * f);
      y = b.subAA(y, c.relu(b.addConst(x, -high)));
    }
    return y;
  }

  /**
   * Max or min of any number of operands, broadcast to {@code out}: a tree of pairwise
   * max(x, y) = y + relu(x - y), min(x, y) = y - relu(y - x), ceil(log2 k) comparison levels.
   * Ties give y, which equals x. Public constants are folded first.
   */
  private Value maxMin(Node n, boolean max, Shape out) {
    List<Value> ops = e.foldPublic(n);
    while (ops.size() > 1) {
      List<Value> next = new ArrayList<>();
      for (int i = 0; i + 1 < ops.size(); i += 2) {
        Value x = ops.get(i);
        Value y = ops.get(i + 1);
        Value r = c.relu(max ? e.sub(x, y, out) : e.sub(y, x, out));
        next.add(max ? e.add(y, r, out) : e.sub(y, r, out));
      }
      if (ops.size() % 2 == 1) {
        next.add(ops.get(ops.size() - 1));
      }
      ops = next;
    }
    return l.broadcast(e.shareIfPrivate(ops.get(0)), out);
  }

  /**
   * greater(x, y) = [y - x < 0], less(x, y) = [x - y < 0], equal(x, y) = 1 - [x < y] - [y < x]
   * (the two circuits run side by side), as ring integers 0/1. Equality is of the fixed-point
   * encodings: values that differ by less than 2^-f compare equal.
   */
  private Value compare(Node n, Shape out) {
    Value x = l.get(n.input(0));
    Value y = l.get(n.input(1));
    return switch (n.op()) {
      case "tensor.greater" -> c.b2a(c.msb(e.sub(y, x, out)), out);
      case "tensor.less" -> c.b2a(c.msb(e.sub(x, y, out)), out);
      default -> {
        Value lt = c.b2a(c.msb(e.sub(x, y, out)), out);
        Value gt = c.b2a(c.msb(e.sub(y, x, out)), out);
        yield b.addConst(b.neg(b.addAA(lt, gt)), 1);
      }
    };
  }

  /**
   * where(C, X, Y) = Y + C (X - Y) for C in {0, 1}: one product (none when C is public). A
   * public constant condition is turned into integers 0/1 (true where non-zero); X - Y of two
   * public constants is computed at compile time.
   */
  private Value where(Node n, Shape out) {
    Value cond = n.input(0);
    Value xv = n.input(1);
    Value yv = n.input(2);
    Value cl;
    if (l.isPublicConstant(cond)) {
      double[] t = l.constantData(cond).reals();
      long[] bits = new long[t.length];
      for (int i = 0; i < t.length; i++) {
        bits[i] = t[i] != 0 ? 1 : 0;
      }
      cl = b.publicReal(n.origin() + ".condition", Tensor.ints(cond.shape(), bits));
    } else {
      cl = l.get(cond);
    }
    Value diff;
    if (l.isPublicConstant(xv) && l.isPublicConstant(yv)) {
      Tensor d = Interpreter.eval("tensor.sub",
          List.of(l.constantData(xv), l.constantData(yv)), Attrs.NONE).get(0);
      diff = b.publicReal(n.origin() + ".difference", d);
    } else {
      diff = e.sub(l.get(xv), l.get(yv), out);
    }
    Value picked = l.multiply(cl, diff, out);
    return e.add(l.get(yv), picked, out);
  }

  /**
   * Index of the first maximum along an axis, as ring integers. The axis is moved to the front
   * ([d, m]); each tournament level compares rows 2i and 2i + 1 with bit = [x_2i >= x_2i+1]
   * and keeps value and index of the winner, x_odd + bit (x_even - x_odd), by two mulBits on
   * the same bit. The even row holds the lower indices, so ties keep the first maximum.
   * Indices start as public row numbers added to shares of zero.
   */
  private Value argmax(Node n) {
    Value x = l.secret(n.input(0));
    int axis = n.attrs().getInt("axis");
    Shape xs = x.shape();
    int d = xs.dim(axis);
    int inner = 1;
    for (int i = axis + 1; i < xs.rank(); i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, d * inner);
    int m = outer * inner;
    Value v = outer == 1 ? e.reshape(x, Shape.of(d, m)) : e.reshape(b.op("mpc.transpose",
        List.of(e.reshape(x, Shape.of(outer, d, inner))),
        x.type().withShape(Shape.of(d, outer, inner)), "dims", new int[] {outer, d, inner},
        "perm", new int[] {1, 0, 2}), Shape.of(d, m));
    long[] rowNumbers = new long[d];
    for (int i = 0; i < d; i++) {
      rowNumbers[i] = i;
    }
    Value rowsConst = b.publicReal(n.origin() + ".index", Tensor.ints(Shape.of(d, 1),
        rowNumbers));
    Value idx = b.addAP(e.zeros(v, Type.integer(v.shape(), Vis.ARITH)),
        l.broadcast(rowsConst, v.shape()));
    int rows = d;
    while (rows > 1) {
      int pairs = rows / 2;
      Value ve = rowSlice(v, rows, m, 0, pairs);
      Value vo = rowSlice(v, rows, m, 1, pairs);
      Value ie = rowSlice(idx, rows, m, 0, pairs);
      Value io = rowSlice(idx, rows, m, 1, pairs);
      Value dv = b.subAA(ve, vo);
      Value m0 = c.msb(dv);
      Value geq = b.op("mpc.not_b", List.of(m0), m0.type(), Attrs.NONE);
      Value ni = b.addAA(io, c.mulBit(b.subAA(ie, io), geq));
      // The last level needs only the index.
      Value nv = pairs + rows % 2 == 1 ? null : b.addAA(vo, c.mulBit(dv, geq));
      if (rows % 2 == 1) {
        nv = appendRow(nv, rowSlice(v, rows, m, rows - 1, 1), pairs, m);
        ni = appendRow(ni, rowSlice(idx, rows, m, rows - 1, 1), pairs, m);
      }
      v = nv;
      idx = ni;
      rows = pairs + rows % 2;
    }
    return e.reshape(idx, n.output().shape());
  }

  /** Rows start, start + 2, ... (count of them) of a [rows, m] matrix; step 1 when count is 1. */
  private Value rowSlice(Value v, int rows, int m, int start, int count) {
    if (start == 0 && count == rows) {
      return v;
    }
    return b.op("mpc.slice", List.of(v), v.type().withShape(Shape.of(count, m)), "dims",
        new int[] {rows, m}, "starts", new int[] {start, 0}, "steps",
        new int[] {count == 1 ? 1 : 2, 1}, "outDims", new int[] {count, m});
  }

  private Value appendRow(Value top, Value last, int rows, int m) {
    return b.op("mpc.concat", List.of(top, last), top.type().withShape(Shape.of(rows + 1, m)),
        "outer", 1, "inners", new int[] {rows * m, m});
  }
}
