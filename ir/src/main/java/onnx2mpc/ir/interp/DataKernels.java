package onnx2mpc.ir.interp;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * Data movement. Each op computes, for every result element, the index of the operand element
 * it copies (-1 for padding); {@link #take} then copies integers or reals alike.
 */
final class DataKernels {
  private DataKernels() {}

  static Tensor take(Tensor t, Shape out, int[] src, double fill) {
    if (t.isInt()) {
      long[] x = t.ints();
      long[] y = new long[src.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = src[i] < 0 ? (long) fill : x[src[i]];
      }
      return Tensor.ints(out, y);
    }
    double[] x = t.reals();
    double[] y = new double[src.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = src[i] < 0 ? fill : x[src[i]];
    }
    return Tensor.reals(out, y);
  }

  /**
   * Source indices of a strided view: result coordinate c reads input offset base + sum_i
   * c[i] * strides[i] (strides in input elements, possibly negative or zero).
   */
  static int[] view(int[] outDims, int base, int[] strides) {
    int r = outDims.length;
    int n = 1;
    for (int d : outDims) {
      n *= d;
    }
    int[] idx = new int[n];
    int[] c = new int[r];
    int src = base;
    for (int e = 0; e < n; e++) {
      idx[e] = src;
      for (int ax = r - 1; ax >= 0; ax--) {
        c[ax]++;
        src += strides[ax];
        if (c[ax] < outDims[ax]) {
          break;
        }
        src -= strides[ax] * c[ax];
        c[ax] = 0;
      }
    }
    return idx;
  }

  static Tensor transpose(Tensor t, int[] perm) {
    Shape out = ShapeInference.infer("tensor.transpose", List.of(t.shape()),
        Attrs.of("perm", perm)).get(0);
    int[] ist = t.shape().strides();
    int[] st = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      st[i] = ist[perm[i]];
    }
    return take(t, out, view(out.dims(), 0, st), 0);
  }

  static Tensor slice(Tensor t, Attrs at) {
    Shape out = ShapeInference.infer("tensor.slice", List.of(t.shape()), at).get(0);
    int[] starts = at.getInts("starts");
    int[] axes = at.getInts("axes");
    int[] steps = at.getInts("steps");
    int[] ist = t.shape().strides();
    int[] st = ist.clone();
    int base = 0;
    for (int i = 0; i < axes.length; i++) {
      st[axes[i]] = ist[axes[i]] * steps[i];
      if (out.dim(axes[i]) > 0) {
        base += ist[axes[i]] * starts[i];
      }
    }
    return take(t, out, view(out.dims(), base, st), 0);
  }

  static List<Tensor> split(Tensor t, int axis, int[] sizes) {
    List<Shape> outs = ShapeInference.infer("tensor.split", List.of(t.shape()),
        Attrs.of("axis", axis, "split", sizes));
    List<Tensor> r = new ArrayList<>();
    int[] ist = t.shape().strides();
    int off = 0;
    for (int i = 0; i < sizes.length; i++) {
      r.add(take(t, outs.get(i), view(outs.get(i).dims(), off * ist[axis], ist), 0));
      off += sizes[i];
    }
    return r;
  }

  static Tensor concat(List<Tensor> ins, int axis) {
    Shape out = ShapeInference.infer("tensor.concat", ins.stream().map(Tensor::shape).toList(),
        Attrs.of("axis", axis)).get(0);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= out.dim(i);
    }
    boolean ints = ins.stream().allMatch(Tensor::isInt);
    int total = out.size();
    long[] li = ints ? new long[total] : null;
    double[] dr = ints ? null : new double[total];
    int rowOut = total / Math.max(1, outer);
    int col = 0;
    for (Tensor t : ins) {
      int row = t.size() / Math.max(1, outer);
      Object from = ints ? t.ints() : t.reals(); // once: reals() of an int tensor copies
      for (int o = 0; o < outer; o++) {
        System.arraycopy(from, o * row, ints ? li : dr, o * rowOut + col, row);
      }
      col += row;
    }
    return ints ? Tensor.ints(out, li) : Tensor.reals(out, dr);
  }

  static Tensor gather(Tensor t, int axis, Tensor indices) {
    Shape xs = t.shape();
    Shape out = ShapeInference.infer("tensor.gather", List.of(xs),
        Attrs.of("axis", axis, "indices", indices)).get(0);
    long[] idx = indices.ints();
    int d = xs.dim(axis);
    int inner = 1;
    for (int i = axis + 1; i < xs.rank(); i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, d * inner);
    int[] src = new int[out.size()];
    int e = 0;
    for (int o = 0; o < outer; o++) {
      for (long ix : idx) {
        if (ix < 0 || ix >= d) {
          throw new IllegalArgumentException("expected gather indices in [0, " + d
              + "), but found " + ix);
        }
        for (int in = 0; in < inner; in++) {
          src[e++] = (int) ((o * d + ix) * inner + in);
        }
      }
    }
    return take(t, out, src, 0);
  }

  static Tensor pad(Tensor t, int[] pads, double value) {
    Shape xs = t.shape();
    Shape out = ShapeInference.infer("tensor.pad", List.of(xs),
        Attrs.of("pads", pads, "value", value)).get(0);
    int r = xs.rank();
    int[] ist = xs.strides();
    int[] src = new int[out.size()];
    int[] c = new int[r];
    for (int e = 0; e < src.length; e++) {
      int s = 0;
      for (int ax = 0; ax < r && s >= 0; ax++) {
        int ic = c[ax] - pads[ax];
        s = ic < 0 || ic >= xs.dim(ax) ? -1 : s + ic * ist[ax];
      }
      src[e] = s;
      for (int ax = r - 1; ax >= 0; ax--) {
        if (++c[ax] < out.dim(ax)) {
          break;
        }
        c[ax] = 0;
      }
    }
    return take(t, out, src, value);
  }

  static Tensor expand(Tensor t, int[] shape) {
    Shape out = ShapeInference.infer("tensor.expand", List.of(t.shape()),
        Attrs.of("shape", shape)).get(0);
    int[] src = Broadcast.sourceIndex(t.shape(), out);
    return src == null ? t : take(t, out, src, 0);
  }

  static Tensor reshape(Tensor t, int[] shape) {
    Shape out = ShapeInference.infer("tensor.reshape", List.of(t.shape()),
        Attrs.of("shape", shape)).get(0);
    return t.reshape(out);
  }
}
