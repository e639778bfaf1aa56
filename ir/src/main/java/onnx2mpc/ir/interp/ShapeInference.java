package onnx2mpc.ir.interp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.TensorOps;

/**
 * Result shapes and element kinds of {@code tensor.*} ops from operand shapes and normalized
 * attributes. The interpreter sizes its results with these rules, so the frontend's types and
 * the oracle's data cannot disagree.
 */
public final class ShapeInference {
  private ShapeInference() {}

  /**
   * The result shapes of {@code op}.
   *
   * @throws IllegalArgumentException "expected X, but found Y" when the operands do not fit
   */
  public static List<Shape> infer(String op, List<Shape> ins, Attrs a) {
    checkArity(op, ins.size());
    Shape x = ins.get(0);
    return switch (op) {
      case "tensor.add", "tensor.sub", "tensor.mul", "tensor.div", "tensor.pow",
          "tensor.greater", "tensor.less", "tensor.equal", "tensor.sum", "tensor.max",
          "tensor.min", "tensor.where" -> List.of(broadcast(ins));
      case "tensor.neg", "tensor.abs", "tensor.sign", "tensor.relu", "tensor.leaky_relu",
          "tensor.clip", "tensor.sigmoid", "tensor.tanh", "tensor.exp", "tensor.log",
          "tensor.sqrt", "tensor.reciprocal", "tensor.erf", "tensor.gelu" -> List.of(x);
      case "tensor.softmax", "tensor.log_softmax" -> {
        axis(a.getInt("axis"), x.rank(), "axis");
        yield List.of(x);
      }
      case "tensor.batchnorm" -> {
        requireRankAtLeast(x, 2, "X");
        for (int i = 1; i < 5; i++) {
          if (ins.get(i).size() != x.dim(1)) {
            throw new IllegalArgumentException("expected batchnorm parameter " + i + " to have "
                + x.dim(1) + " elements (the channels of X " + x + "), but found " + ins.get(i));
          }
        }
        yield List.of(x);
      }
      case "tensor.layer_norm" -> {
        axis(a.getInt("axis"), x.rank(), "axis");
        yield List.of(x);
      }
      case "tensor.gemm" -> List.of(gemm(ins, a));
      case "tensor.matmul" -> List.of(matmul(ins.get(0), ins.get(1)));
      case "tensor.conv" -> List.of(conv(ins.get(0), ins.get(1), a));
      case "tensor.conv_transpose" -> List.of(convTranspose(ins.get(0), ins.get(1), a));
      case "tensor.maxpool", "tensor.averagepool" -> List.of(pool(x, a));
      case "tensor.globalaveragepool" -> {
        requireRankAtLeast(x, 3, "X");
        int[] d = x.dims();
        Arrays.fill(d, 2, d.length, 1);
        yield List.of(Shape.of(d));
      }
      case "tensor.reduce_sum", "tensor.reduce_mean" ->
          List.of(reduce(x, a.getInts("axes"), a.getInt("keepdims") != 0));
      case "tensor.argmax" ->
          List.of(reduce(x, new int[] {a.getInt("axis")}, a.getInt("keepdims") != 0));
      case "tensor.reshape" -> {
        Shape s = Shape.of(a.getInts("shape"));
        if (s.size() != x.size()) {
          throw new IllegalArgumentException("expected reshape to " + s + " to keep "
              + x.size() + " elements of " + x + ", but it has " + s.size());
        }
        yield List.of(s);
      }
      case "tensor.transpose" -> List.of(transpose(x, a.getInts("perm")));
      case "tensor.concat" -> List.of(concat(ins, a.getInt("axis")));
      case "tensor.split" -> split(x, a.getInt("axis"), a.getInts("split"));
      case "tensor.slice" -> List.of(slice(x, a));
      case "tensor.gather" -> List.of(gather(x, a.getInt("axis"), a.getTensor("indices")
          .shape()));
      case "tensor.pad" -> List.of(pad(x, a.getInts("pads")));
      case "tensor.expand" -> {
        Shape s = Shape.of(a.getInts("shape"));
        Shape b = broadcast(List.of(x, s));
        if (!b.equals(s)) {
          throw new IllegalArgumentException("expected expand shape " + s
              + " to be the broadcast of " + x + " and itself, but that is " + b);
        }
        yield List.of(s);
      }
      default -> throw new IllegalArgumentException("expected a tensor op, but found '" + op
          + "'");
    };
  }

  /** Checks the operand count of a tensor op against {@link TensorOps}. */
  static void checkArity(String op, int n) {
    if (!TensorOps.isTensor(op)) {
      throw new IllegalArgumentException("expected a tensor op, but found '" + op + "'");
    }
    int lo = TensorOps.minOperands(op);
    int hi = TensorOps.maxOperands(op);
    if (n < lo || n > hi) {
      throw new IllegalArgumentException("expected " + (lo == hi ? "" + lo : hi
          == Integer.MAX_VALUE ? lo + " or more" : lo + " to " + hi) + " operands for " + op
          + ", but found " + n);
    }
  }

  /**
   * The element kind of result {@code out} of {@code op}: comparisons give BIT, argmax INT,
   * transcendental and linear-algebra ops FIXED, and arithmetic and data movement keep INT when
   * every (data) operand is INT.
   */
  public static Elem resultElem(String op, List<Elem> ins) {
    return switch (op) {
      case "tensor.greater", "tensor.less", "tensor.equal" -> Elem.BIT;
      case "tensor.argmax" -> Elem.INT;
      case "tensor.reshape", "tensor.transpose", "tensor.split", "tensor.slice",
          "tensor.gather", "tensor.pad", "tensor.expand" -> ins.get(0);
      case "tensor.concat" -> ins.stream().allMatch(e -> e == ins.get(0)) ? ins.get(0)
          : allInt(ins) ? Elem.INT : Elem.FIXED;
      case "tensor.where" -> allInt(ins.subList(1, 3)) ? Elem.INT : Elem.FIXED;
      case "tensor.add", "tensor.sub", "tensor.mul", "tensor.div", "tensor.pow", "tensor.neg",
          "tensor.abs", "tensor.sign", "tensor.relu", "tensor.sum", "tensor.max", "tensor.min",
          "tensor.clip", "tensor.reduce_sum" -> allInt(ins) ? Elem.INT : Elem.FIXED;
      default -> Elem.FIXED;
    };
  }

  private static boolean allInt(List<Elem> es) {
    return es.stream().allMatch(e -> e != Elem.FIXED);
  }

  /** The numpy broadcast of all shapes. */
  public static Shape broadcast(List<Shape> shapes) {
    int r = 0;
    for (Shape s : shapes) {
      r = Math.max(r, s.rank());
    }
    int[] out = new int[r];
    Arrays.fill(out, 1);
    for (Shape s : shapes) {
      for (int i = 0; i < s.rank(); i++) {
        int o = r - s.rank() + i;
        int d = s.dim(i);
        if (d != out[o]) {
          if (out[o] == 1) {
            out[o] = d;
          } else if (d != 1) {
            throw new IllegalArgumentException("expected broadcastable shapes, but found "
                + shapes);
          }
        }
      }
    }
    return Shape.of(out);
  }

  static int axis(int axis, int rank, String what) {
    if (axis < 0 || axis >= Math.max(rank, 1)) {
      throw new IllegalArgumentException("expected " + what + " in [0, " + rank
          + "), but found " + axis);
    }
    return axis;
  }

  private static void requireRankAtLeast(Shape s, int r, String what) {
    if (s.rank() < r) {
      throw new IllegalArgumentException("expected " + what + " of rank >= " + r
          + ", but found " + s);
    }
  }

  private static Shape gemm(List<Shape> ins, Attrs a) {
    Shape sa = ins.get(0);
    Shape sb = ins.get(1);
    if (sa.rank() != 2 || sb.rank() != 2) {
      throw new IllegalArgumentException("expected rank-2 gemm operands, but found " + sa
          + " and " + sb);
    }
    boolean ta = a.getInt("transA") != 0;
    boolean tb = a.getInt("transB") != 0;
    int m = ta ? sa.dim(1) : sa.dim(0);
    int k = ta ? sa.dim(0) : sa.dim(1);
    int k2 = tb ? sb.dim(1) : sb.dim(0);
    int n = tb ? sb.dim(0) : sb.dim(1);
    if (k != k2) {
      throw new IllegalArgumentException("expected gemm inner dims to match, but found " + sa
          + (ta ? "^T" : "") + " and " + sb + (tb ? "^T" : ""));
    }
    Shape out = Shape.of(m, n);
    if (ins.size() > 2 && !broadcast(List.of(ins.get(2), out)).equals(out)) {
      throw new IllegalArgumentException("expected gemm C to broadcast to " + out
          + ", but found " + ins.get(2));
    }
    return out;
  }

  private static Shape matmul(Shape sa, Shape sb) {
    if (sa.rank() == 0 || sb.rank() == 0) {
      throw new IllegalArgumentException("expected matmul operands of rank >= 1, but found "
          + sa + " and " + sb);
    }
    int[] da = sa.rank() == 1 ? new int[] {1, sa.dim(0)} : sa.dims();
    int[] db = sb.rank() == 1 ? new int[] {sb.dim(0), 1} : sb.dims();
    int k = da[da.length - 1];
    if (k != db[db.length - 2]) {
      throw new IllegalArgumentException("expected matmul inner dims to match, but found "
          + sa + " and " + sb);
    }
    Shape batch = broadcast(List.of(Shape.of(Arrays.copyOf(da, da.length - 2)),
        Shape.of(Arrays.copyOf(db, db.length - 2))));
    List<Integer> out = new ArrayList<>();
    for (int d : batch.dims()) {
      out.add(d);
    }
    if (sa.rank() > 1) {
      out.add(da[da.length - 2]);
    }
    if (sb.rank() > 1) {
      out.add(db[db.length - 1]);
    }
    return Shape.of(out.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Output length along one axis for a window of size k with dilation d and stride s. */
  static int windows(int in, int k, int s, int d, int pb, int pe, boolean ceil) {
    int span = (k - 1) * d + 1;
    int room = in + pb + pe - span;
    if (room < 0) {
      throw new IllegalArgumentException("expected the window (" + span
          + ") to fit the padded input (" + (in + pb + pe) + "), but it does not");
    }
    int out = (ceil ? (room + s - 1) / s : room / s) + 1;
    // A window that would start in the end padding is dropped (PyTorch's rule, which ONNX
    // follows since opset 19 and ONNX Runtime always did).
    if (ceil && (out - 1) * s >= in + pb) {
      out--;
    }
    return out;
  }

  private static void requireSpatial(Shape x, int[] k, String what) {
    if (x.rank() != k.length + 2 || k.length < 1 || k.length > 2) {
      throw new IllegalArgumentException("expected a 1-D or 2-D " + what + " input [N,C,...]"
          + " matching a kernel of " + k.length + " dims, but found " + x);
    }
  }

  private static Shape conv(Shape x, Shape w, Attrs a) {
    int sp = w.rank() - 2;
    int[] k = Arrays.copyOfRange(w.dims(), 2, w.rank());
    requireSpatial(x, k, "conv");
    int g = a.getInt("group");
    if (x.dim(1) != w.dim(1) * g || w.dim(0) % g != 0) {
      throw new IllegalArgumentException("expected conv weight [O, C/group, ...] with C = "
          + x.dim(1) + ", group = " + g + ", but found " + w);
    }
    int[] s = a.getInts("strides");
    int[] p = a.getInts("pads");
    int[] d = a.getInts("dilations");
    int[] out = new int[x.rank()];
    out[0] = x.dim(0);
    out[1] = w.dim(0);
    for (int i = 0; i < sp; i++) {
      out[2 + i] = windows(x.dim(2 + i), k[i], s[i], d[i], p[i], p[i + sp], false);
    }
    return Shape.of(out);
  }

  private static Shape convTranspose(Shape x, Shape w, Attrs a) {
    int sp = w.rank() - 2;
    int[] k = Arrays.copyOfRange(w.dims(), 2, w.rank());
    requireSpatial(x, k, "conv_transpose");
    int g = a.getInt("group");
    if (x.dim(1) != w.dim(0) || w.dim(0) % g != 0) {
      throw new IllegalArgumentException("expected conv_transpose weight [C, O/group, ...] with"
          + " C = " + x.dim(1) + ", but found " + w);
    }
    int[] s = a.getInts("strides");
    int[] p = a.getInts("pads");
    int[] d = a.getInts("dilations");
    int[] op = a.getInts("output_padding");
    int[] out = new int[x.rank()];
    out[0] = x.dim(0);
    out[1] = w.dim(1) * g;
    for (int i = 0; i < sp; i++) {
      out[2 + i] = s[i] * (x.dim(2 + i) - 1) + op[i] + (k[i] - 1) * d[i] + 1 - p[i] - p[i + sp];
      if (out[2 + i] <= 0) {
        throw new IllegalArgumentException("expected a positive conv_transpose output size,"
            + " but found " + out[2 + i] + " on spatial axis " + i);
      }
    }
    return Shape.of(out);
  }

  private static Shape pool(Shape x, Attrs a) {
    int[] k = a.getInts("kernel");
    requireSpatial(x, k, "pooling");
    int sp = k.length;
    int[] s = a.getInts("strides");
    int[] p = a.getInts("pads");
    int[] d = a.has("dilations") ? a.getInts("dilations") : ones(sp);
    boolean ceil = a.getInt("ceil_mode") != 0;
    int[] out = x.dims();
    for (int i = 0; i < sp; i++) {
      out[2 + i] = windows(x.dim(2 + i), k[i], s[i], d[i], p[i], p[i + sp], ceil);
    }
    return Shape.of(out);
  }

  static int[] ones(int n) {
    int[] o = new int[n];
    Arrays.fill(o, 1);
    return o;
  }

  private static Shape reduce(Shape x, int[] axes, boolean keep) {
    boolean[] red = new boolean[x.rank()];
    for (int ax : axes) {
      red[axis(ax, x.rank(), "reduction axis")] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!red[i]) {
        out.add(x.dim(i));
      } else if (keep) {
        out.add(1);
      }
    }
    return Shape.of(out.stream().mapToInt(Integer::intValue).toArray());
  }

  private static Shape transpose(Shape x, int[] perm) {
    if (perm.length != x.rank()) {
      throw new IllegalArgumentException("expected a permutation of " + x.rank()
          + " axes, but found " + Arrays.toString(perm));
    }
    boolean[] seen = new boolean[perm.length];
    int[] out = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      int p = axis(perm[i], x.rank(), "perm entry");
      if (seen[p]) {
        throw new IllegalArgumentException("expected a permutation, but found "
            + Arrays.toString(perm));
      }
      seen[p] = true;
      out[i] = x.dim(p);
    }
    return Shape.of(out);
  }

  private static Shape concat(List<Shape> ins, int axis) {
    Shape f = ins.get(0);
    axis(axis, f.rank(), "concat axis");
    int[] out = f.dims();
    out[axis] = 0;
    for (Shape s : ins) {
      for (int i = 0; i < f.rank(); i++) {
        if (s.rank() != f.rank() || (i != axis && s.dim(i) != f.dim(i))) {
          throw new IllegalArgumentException("expected concat operands equal except on axis "
              + axis + ", but found " + ins);
        }
      }
      out[axis] += s.dim(axis);
    }
    return Shape.of(out);
  }

  private static List<Shape> split(Shape x, int axis, int[] sizes) {
    axis(axis, x.rank(), "split axis");
    int total = Arrays.stream(sizes).sum();
    if (total != x.dim(axis)) {
      throw new IllegalArgumentException("expected split sizes summing to " + x.dim(axis)
          + ", but found " + Arrays.toString(sizes));
    }
    List<Shape> out = new ArrayList<>();
    for (int sz : sizes) {
      int[] d = x.dims();
      d[axis] = sz;
      out.add(Shape.of(d));
    }
    return out;
  }

  /** Number of indices start, start+step, ... before reaching end (starts/ends clamped). */
  static int sliceLength(int start, int end, int step) {
    if (step > 0) {
      return Math.max(0, (end - start + step - 1) / step);
    }
    return Math.max(0, (start - end + (-step) - 1) / (-step));
  }

  private static Shape slice(Shape x, Attrs a) {
    int[] st = a.getInts("starts");
    int[] en = a.getInts("ends");
    int[] ax = a.getInts("axes");
    int[] sp = a.getInts("steps");
    int[] out = x.dims();
    for (int i = 0; i < ax.length; i++) {
      int axis = axis(ax[i], x.rank(), "slice axis");
      if (sp[i] == 0) {
        throw new IllegalArgumentException("expected non-zero slice steps, but found 0");
      }
      out[axis] = sliceLength(st[i], en[i], sp[i]);
    }
    return Shape.of(out);
  }

  private static Shape gather(Shape x, int axis, Shape idx) {
    axis(axis, x.rank(), "gather axis");
    int[] out = new int[x.rank() - 1 + idx.rank()];
    int o = 0;
    for (int i = 0; i < axis; i++) {
      out[o++] = x.dim(i);
    }
    for (int d : idx.dims()) {
      out[o++] = d;
    }
    for (int i = axis + 1; i < x.rank(); i++) {
      out[o++] = x.dim(i);
    }
    return Shape.of(out);
  }

  private static Shape pad(Shape x, int[] pads) {
    if (pads.length != 2 * x.rank()) {
      throw new IllegalArgumentException("expected " + 2 * x.rank() + " pads for " + x
          + ", but found " + Arrays.toString(pads));
    }
    int[] out = x.dims();
    for (int i = 0; i < x.rank(); i++) {
      if (pads[i] < 0 || pads[i + x.rank()] < 0) {
        throw new IllegalArgumentException("expected non-negative pads, but found "
            + Arrays.toString(pads));
      }
      out[i] += pads[i] + pads[i + x.rank()];
    }
    return Shape.of(out);
  }
}
