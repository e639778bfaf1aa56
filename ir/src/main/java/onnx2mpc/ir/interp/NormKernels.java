package onnx2mpc.ir.interp;

import java.util.Arrays;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/** Normalizations, softmax, reductions and argmax. */
final class NormKernels {
  private NormKernels() {}

  static Tensor batchnorm(List<Tensor> ins, double eps) {
    Shape xs = ins.get(0).shape();
    ShapeInference.infer("tensor.batchnorm", ins.stream().map(Tensor::shape).toList(),
        Attrs.of("epsilon", eps));
    double[] x = ins.get(0).reals();
    double[] scale = ins.get(1).reals();
    double[] bias = ins.get(2).reals();
    double[] mean = ins.get(3).reals();
    double[] var = ins.get(4).reals();
    int c = xs.dim(1);
    int plane = xs.size() / Math.max(1, xs.dim(0) * c);
    double[] y = new double[x.length];
    for (int b = 0; b < xs.dim(0); b++) {
      for (int ch = 0; ch < c; ch++) {
        double s = scale[ch] / Math.sqrt(var[ch] + eps);
        double t = bias[ch] - mean[ch] * s;
        int base = (b * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          y[base + i] = x[base + i] * s + t;
        }
      }
    }
    return Tensor.reals(xs, y);
  }

  /** ONNX LayerNormalization: (x - mean) / sqrt(var + eps) * scale + B over axes axis... */
  static Tensor layerNorm(List<Tensor> ins, Attrs at) {
    Shape xs = ins.get(0).shape();
    int axis = at.getInt("axis");
    double eps = at.getDouble("epsilon");
    ShapeInference.axis(axis, xs.rank(), "axis");
    Shape inner = Shape.of(Arrays.copyOfRange(xs.dims(), axis, xs.rank()));
    int n = inner.size();
    int outer = xs.size() / Math.max(n, 1);
    double[] scale = Broadcast.expand(ins.get(1).reals(), ins.get(1).shape(), inner);
    double[] bias = ins.size() > 2
        ? Broadcast.expand(ins.get(2).reals(), ins.get(2).shape(), inner) : new double[n];
    double[] x = ins.get(0).reals();
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      int base = o * n;
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += x[base + i];
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        double dv = x[base + i] - mean;
        var += dv * dv;
      }
      double inv = 1 / Math.sqrt(var / n + eps);
      for (int i = 0; i < n; i++) {
        y[base + i] = (x[base + i] - mean) * inv * scale[i] + bias[i];
      }
    }
    return Tensor.reals(xs, y);
  }

  /** Softmax or log-softmax along one axis, max-subtracted so that exp cannot overflow. */
  static Tensor softmax(Tensor t, int axis, boolean log) {
    Shape xs = t.shape();
    ShapeInference.axis(axis, xs.rank(), "axis");
    int d = xs.rank() == 0 ? 1 : xs.dim(axis);
    int inner = 1;
    for (int i = axis + 1; i < xs.rank(); i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, d * inner);
    double[] x = t.reals();
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * d * inner + in;
        double mx = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < d; i++) {
          mx = Math.max(mx, x[base + i * inner]);
        }
        double sum = 0;
        for (int i = 0; i < d; i++) {
          sum += Math.exp(x[base + i * inner] - mx);
        }
        double ls = Math.log(sum);
        for (int i = 0; i < d; i++) {
          double z = x[base + i * inner] - mx;
          y[base + i * inner] = log ? z - ls : Math.exp(z) / sum;
        }
      }
    }
    return Tensor.reals(xs, y);
  }

  /** reduce_sum (integers stay integers) and reduce_mean over a set of axes. */
  static Tensor reduce(String op, Tensor t, Attrs at) {
    Shape xs = t.shape();
    Shape out = ShapeInference.infer(op, List.of(xs), at).get(0);
    int[] map = reducedIndex(xs, at.getInts("axes"));
    if (t.isInt() && op.equals("tensor.reduce_sum")) {
      long[] x = t.ints();
      long[] y = new long[out.size()];
      for (int i = 0; i < x.length; i++) {
        y[map[i]] += x[i];
      }
      return Tensor.ints(out, y);
    }
    double[] x = t.reals();
    double[] y = new double[out.size()];
    for (int i = 0; i < x.length; i++) {
      y[map[i]] += x[i];
    }
    if (op.equals("tensor.reduce_mean")) {
      double cnt = (double) xs.size() / Math.max(1, out.size());
      for (int i = 0; i < y.length; i++) {
        y[i] /= cnt;
      }
    }
    return Tensor.reals(out, y);
  }

  /** For each input element, the index of the output element it reduces into. */
  private static int[] reducedIndex(Shape xs, int[] axes) {
    int r = xs.rank();
    boolean[] red = new boolean[r];
    for (int a : axes) {
      red[a] = true;
    }
    int[] ostr = new int[r];
    int acc = 1;
    for (int i = r - 1; i >= 0; i--) {
      ostr[i] = red[i] ? 0 : acc;
      acc *= red[i] ? 1 : xs.dim(i);
    }
    int n = xs.size();
    int[] map = new int[n];
    int[] c = new int[r];
    int dst = 0;
    for (int e = 0; e < n; e++) {
      map[e] = dst;
      for (int ax = r - 1; ax >= 0; ax--) {
        c[ax]++;
        dst += ostr[ax];
        if (c[ax] < xs.dim(ax)) {
          break;
        }
        dst -= ostr[ax] * c[ax];
        c[ax] = 0;
      }
    }
    return map;
  }

  static Tensor argmax(Tensor t, Attrs at) {
    Shape xs = t.shape();
    Shape out = ShapeInference.infer("tensor.argmax", List.of(xs), at).get(0);
    int axis = at.getInt("axis");
    int d = xs.dim(axis);
    int inner = 1;
    for (int i = axis + 1; i < xs.rank(); i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, d * inner);
    double[] x = t.reals();
    long[] y = new long[out.size()];
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * d * inner + in;
        int best = 0;
        for (int i = 1; i < d; i++) {
          if (x[base + i * inner] > x[base + best * inner]) {
            best = i;
          }
        }
        y[o * inner + in] = best;
      }
    }
    return Tensor.ints(out, y);
  }
}
