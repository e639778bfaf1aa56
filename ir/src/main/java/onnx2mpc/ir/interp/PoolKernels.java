package onnx2mpc.ir.interp;

import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/** Max, average and global average pooling over 1-D or 2-D spatial axes. */
final class PoolKernels {
  private PoolKernels() {}

  static Tensor pool(String op, Tensor tx, Attrs at) {
    Shape out = ShapeInference.infer(op, List.of(tx.shape()), at).get(0);
    boolean max = op.equals("tensor.maxpool");
    int[] k = at.getInts("kernel");
    int[] s = at.getInts("strides");
    int[] p = at.getInts("pads");
    int[] d = at.has("dilations") ? at.getInts("dilations") : ShapeInference.ones(k.length);
    boolean includePad = !max && at.getInt("count_include_pad") != 0;
    // 1-D pools are 2-D pools of height 1.
    boolean oneD = k.length == 1;
    Shape xs = tx.shape();
    int h = oneD ? 1 : xs.dim(2);
    int w = xs.dim(oneD ? 2 : 3);
    int oh = oneD ? 1 : out.dim(2);
    int ow = out.dim(oneD ? 2 : 3);
    int kh = oneD ? 1 : k[0];
    int kw = k[oneD ? 0 : 1];
    int sh = oneD ? 1 : s[0];
    int sw = s[oneD ? 0 : 1];
    int dh = oneD ? 1 : d[0];
    int dw = d[oneD ? 0 : 1];
    int ph = oneD ? 0 : p[0];
    int pw = p[oneD ? 0 : 1];
    int phEnd = oneD ? 0 : p[2];
    int pwEnd = p[oneD ? 1 : 3];
    int planes = xs.dim(0) * xs.dim(1);
    double[] x = tx.reals();
    double[] y = new double[out.size()];
    for (int pl = 0; pl < planes; pl++) {
      int xb = pl * h * w;
      int yb = pl * oh * ow;
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int count = 0;
          for (int a = 0; a < kh; a++) {
            int ih = i * sh - ph + a * dh;
            if (ih < 0 || ih >= h) {
              continue;
            }
            for (int b = 0; b < kw; b++) {
              int iw = j * sw - pw + b * dw;
              if (iw < 0 || iw >= w) {
                continue;
              }
              double v = x[xb + ih * w + iw];
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          if (!max) {
            int div = count;
            if (includePad) {
              // Padding counts, but window positions past the end padding (ceil_mode) do not:
              // the window is clipped to [-pad_begin, in + pad_end), as in PyTorch.
              div = span(i * sh - ph, kh, -ph, h + phEnd) * span(j * sw - pw, kw, -pw, w + pwEnd);
            }
            acc = div == 0 ? 0 : acc / div;
          }
          y[yb + i * ow + j] = acc;
        }
      }
    }
    return Tensor.reals(out, y);
  }

  private static int span(int start, int k, int lo, int hi) {
    return Math.min(start + k, hi) - Math.max(start, lo);
  }

  static Tensor globalAverage(Tensor tx) {
    Shape xs = tx.shape();
    Shape out = ShapeInference.infer("tensor.globalaveragepool", List.of(xs), Attrs.NONE)
        .get(0);
    int planes = xs.dim(0) * xs.dim(1);
    int plane = xs.size() / Math.max(planes, 1);
    double[] x = tx.reals();
    double[] y = new double[planes];
    for (int pl = 0; pl < planes; pl++) {
      double acc = 0;
      for (int i = 0; i < plane; i++) {
        acc += x[pl * plane + i];
      }
      y[pl] = acc / plane;
    }
    return Tensor.reals(out, y);
  }
}
