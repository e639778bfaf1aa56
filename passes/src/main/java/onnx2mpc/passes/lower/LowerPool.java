package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;

/**
 * Pooling. Windows are gathered locally into a [KH*KW, M] matrix; max pooling reduces its rows
 * by a tree of pairwise max(x, y) = y + relu(x - y) (ceil(log2 K) comparison levels), average
 * pooling sums the rows and multiplies by the public 1 / count.
 */
final class LowerPool {
  /**
   * Fills max-pool padding: below any activation the comparison circuit handles (|x| <
   * 2^(COMPARE_BITS - 2) ring units), so that padding minus an activation stays in its range.
   */
  private static final long MAX_POOL_PAD = -(1L << (Circuits.COMPARE_BITS - 3));

  private final Lowering l;
  private final MpcBuilder b;

  LowerPool(Lowering l) {
    this.l = l;
    this.b = l.b;
  }

  private int[] windowLayout(Node n, Shape xs, Shape ys) {
    Attrs a = n.attrs();
    if (xs.rank() == 3) {
      // 1-D pooling over [N, C, L] is 2-D pooling over [N, C, 1, L].
      int[] k = a.getInts("kernel");
      int[] s = a.getInts("strides", new int[] {1});
      int[] p = a.getInts("pads", new int[] {0, 0});
      int[] d = a.getInts("dilations", new int[] {1});
      return new int[] {xs.dim(0), xs.dim(1), 1, xs.dim(2), xs.dim(1), 1, k[0], 1, ys.dim(2), 1,
          s[0], 0, p[0], 1, d[0], xs.dim(1)};
    }
    if (xs.rank() != 4) {
      throw new IrException(n, "expected 1-D or 2-D pooling, but found input " + xs);
    }
    int[] k = a.getInts("kernel");
    int[] s = a.getInts("strides", new int[] {1, 1});
    int[] p = a.getInts("pads", new int[] {0, 0, 0, 0});
    int[] d = a.getInts("dilations", new int[] {1, 1});
    return new int[] {xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), xs.dim(1), k[0], k[1],
        ys.dim(2), ys.dim(3), s[0], s[1], p[0], p[1], d[0], d[1], xs.dim(1)};
  }

  /**
   * Max pooling. A 2-D window is a product of a row window and a column window, so the max is
   * taken along rows first and then along columns: for ResNet's 3x3 stride-2 pool that is 2 + 2
   * comparisons per output in the same 4 levels as a 9-way tree, but the first pass runs at the
   * column stride only, so 1.2 instead of 1.6 comparisons per input element.
   */
  Value maxPool(Node n) {
    Value x = l.secret(n.input(0));
    Shape ys = n.output().shape();
    int[] w = windowLayout(n, x.shape(), ys);
    if (x.shape().rank() == 3) {
      x = b.op("mpc.reshape", List.of(x), x.type().withShape(Shape.of(w[0], w[1], 1, w[3])),
          Attrs.NONE);
    }
    Shape xs = x.shape();
    if (w[5] > 1 && w[6] > 1) {
      // Columns: kernel [1, KW], stride [1, sW], pads [0, pL]; all rows kept.
      Shape mid = Shape.of(xs.dim(0), xs.dim(1), xs.dim(2), ys.dim(3));
      int[] cols = {w[0], w[1], w[2], w[3], w[4], 1, w[6], xs.dim(2), ys.dim(3), 1, w[10], 0,
          w[12], 1, w[14], w[15]};
      Value m = maxOverWindows(x, cols, mid);
      int[] rows = {w[0], w[1], w[2], ys.dim(3), w[4], w[5], 1, ys.dim(2), ys.dim(3), w[9], 1,
          w[11], 0, w[13], 1, w[15]};
      return maxOverWindows(m, rows, ys);
    }
    return maxOverWindows(x, w, ys);
  }

  /** Gathers the windows of layout {@code w} and reduces them with a tree of pairwise max. */
  private Value maxOverWindows(Value x, int[] w, Shape out) {
    int k = w[5] * w[6];
    int m = out.size();
    Value cur = b.op("mpc.window", List.of(x), x.type().withShape(Shape.of(k, m)), "conv", w,
        "value", MAX_POOL_PAD);
    int rows = k;
    while (rows > 1) {
      int pairs = rows / 2;
      Value even = rowSlice(cur, rows, m, 0, pairs);
      Value odd = rowSlice(cur, rows, m, 1, pairs);
      Value mx = l.circuits.max(even, odd);
      if (rows % 2 == 1) {
        Value last = rowSlice(cur, rows, m, rows - 1, 1);
        mx = b.op("mpc.concat", List.of(mx, last), mx.type().withShape(Shape.of(pairs + 1, m)),
            "outer", 1, "inners", new int[] {pairs * m, m});
      }
      cur = mx;
      rows = pairs + rows % 2;
    }
    return b.op("mpc.reshape", List.of(cur), cur.type().withShape(out), Attrs.NONE);
  }

  /** Rows start, start + 2, ... (count of them) of a [rows, m] matrix; step 1 when count is 1. */
  private Value rowSlice(Value v, int rows, int m, int start, int count) {
    return b.op("mpc.slice", List.of(v), v.type().withShape(Shape.of(count, m)), "dims",
        new int[] {rows, m}, "starts", new int[] {start, 0}, "steps",
        new int[] {count == 1 ? 1 : 2, 1}, "outDims", new int[] {count, m});
  }

  Value averagePool(Node n) {
    Value x = l.secret(n.input(0));
    Shape ys = n.output().shape();
    int[] w = windowLayout(n, x.shape(), ys);
    int k = w[5] * w[6];
    int m = ys.size();
    Value win = b.op("mpc.window", List.of(x), x.type().withShape(Shape.of(k, m)), "conv", w,
        "value", 0L);
    Value sum = b.op("mpc.reduce_sum", List.of(win), x.type().withShape(Shape.of(m)), "outer", 1,
        "reduce", k, "inner", m);
    boolean includePad = n.attrs().getLong("count_include_pad", 0) != 0;
    double[] inv = new double[m];
    boolean uniform = true;
    for (int i = 0; i < m; i++) {
      int count = includePad ? k : validCount(w, i);
      inv[i] = 1.0 / count;
      uniform &= count == k;
    }
    Value y;
    if (uniform) {
      y = divideByCount(sum, k);
    } else {
      Value c = b.constant(n.origin() + ".inverse_count", Tensor.reals(Shape.of(m), inv),
          b.precision, onnx2mpc.ir.Vis.PUBLIC);
      y = b.rescale(b.mulAP(sum, c));
    }
    return b.op("mpc.reshape", List.of(y), y.type().withShape(ys), Attrs.NONE);
  }

  /** Window positions of output element i (flattened [N,C,OH,OW]) that lie inside the input. */
  private static int validCount(int[] w, int i) {
    int oh = w[7];
    int ow = w[8];
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int count = 0;
    for (int ky = 0; ky < w[5]; ky++) {
      int iy = oy * w[9] - w[11] + ky * w[13];
      for (int kx = 0; kx < w[6]; kx++) {
        int ix = ox * w[10] - w[12] + kx * w[14];
        if (iy >= 0 && iy < w[2] && ix >= 0 && ix < w[3]) {
          count++;
        }
      }
    }
    return count;
  }

  Value globalAveragePool(Node n) {
    Value x = l.secret(n.input(0));
    Shape xs = x.shape();
    int outer = xs.dim(0) * xs.dim(1);
    int hw = xs.size() / outer;
    Value sum = b.op("mpc.reduce_sum", List.of(x), x.type().withShape(Shape.of(outer)), "outer",
        outer, "reduce", hw, "inner", 1);
    Value y = divideByCount(sum, hw);
    return b.op("mpc.reshape", List.of(y), y.type().withShape(n.output().shape()), Attrs.NONE);
  }

  /** x / count as x * round(2^f / count) then a truncation. */
  private Value divideByCount(Value x, int count) {
    if (count == 1) {
      return x;
    }
    long c = Math.round(Math.scalb(1.0, b.precision) / count);
    Value z = b.op("mpc.mul_const", List.of(x),
        Type.fixed(x.shape(), x.type().scale() + b.precision, x.vis()), "c", c);
    return b.rescale(z);
  }

}
