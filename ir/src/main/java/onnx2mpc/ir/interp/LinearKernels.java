package onnx2mpc.ir.interp;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * Matmul, gemm and convolutions in double precision. Convolution is im2col followed by a
 * cache-blocked matmul, parallel over column blocks, so that ResNet-18 at 224x224 (1.8 G
 * multiply-adds) takes seconds, not minutes.
 */
final class LinearKernels {
  /** Column block: a row segment of B and C of 8 KiB stays in L1. */
  private static final int JB = 1024;
  /** Depth block: JB x KB of B (512 KiB) stays in L2 while every row of A passes over it. */
  private static final int KB = 64;

  private LinearKernels() {}

  /** c[co.., m x n] += a[ao.., m x k] @ b[bo.., k x n], all row-major. */
  static void matmulAdd(double[] a, int ao, double[] b, int bo, double[] c, int co, int m,
      int k, int n) {
    int blocks = (n + JB - 1) / JB;
    long work = (long) m * k * n;
    if (work < (1L << 21)) {
      for (int jb = 0; jb < blocks; jb++) {
        block(a, ao, b, bo, c, co, m, k, n, jb);
      }
    } else if (blocks > 1) {
      IntStream.range(0, blocks).parallel()
          .forEach(jb -> block(a, ao, b, bo, c, co, m, k, n, jb));
    } else {
      // One column block: split the rows instead (tasks write disjoint rows of c).
      int tasks = Math.min(m, 4 * Runtime.getRuntime().availableProcessors());
      IntStream.range(0, tasks).parallel().forEach(t -> rows(a, ao, b, bo, c, co,
          (int) ((long) m * t / tasks), (int) ((long) m * (t + 1) / tasks), k, n, 0, n));
    }
  }

  private static void block(double[] a, int ao, double[] b, int bo, double[] c, int co, int m,
      int k, int n, int jb) {
    int j0 = jb * JB;
    rows(a, ao, b, bo, c, co, 0, m, k, n, j0, Math.min(n, j0 + JB));
  }

  private static void rows(double[] a, int ao, double[] b, int bo, double[] c, int co, int i0,
      int i1, int k, int n, int j0, int j1) {
    for (int p0 = 0; p0 < k; p0 += KB) {
      int p1 = Math.min(k, p0 + KB);
      for (int i = i0; i < i1; i++) {
        int cr = co + i * n;
        int ar = ao + i * k;
        for (int p = p0; p < p1; p++) {
          double av = a[ar + p];
          if (av == 0) {
            continue; // relu outputs and padding columns are often zero
          }
          int br = bo + p * n;
          for (int j = j0; j < j1; j++) {
            c[cr + j] += av * b[br + j];
          }
        }
      }
    }
  }

  static double[] transpose2d(double[] x, int rows, int cols) {
    double[] t = new double[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = x[i * cols + j];
      }
    }
    return t;
  }

  static Tensor gemm(List<Tensor> ins, Attrs at) {
    Tensor ta = ins.get(0);
    Tensor tb = ins.get(1);
    Shape out = ShapeInference.infer("tensor.gemm", ins.stream().map(Tensor::shape).toList(), at)
        .get(0);
    boolean transA = at.getInt("transA") != 0;
    boolean transB = at.getInt("transB") != 0;
    int m = out.dim(0);
    int n = out.dim(1);
    int k = transA ? ta.shape().dim(0) : ta.shape().dim(1);
    double[] a = transA ? transpose2d(ta.reals(), k, m) : ta.reals();
    double[] b = transB ? transpose2d(tb.reals(), n, k) : tb.reals();
    double[] c = new double[m * n];
    matmulAdd(a, 0, b, 0, c, 0, m, k, n);
    double alpha = at.getDouble("alpha");
    double beta = at.getDouble("beta");
    double[] bias = ins.size() > 2 ? Broadcast.expand(ins.get(2).reals(), ins.get(2).shape(), out)
        : null;
    for (int i = 0; i < c.length; i++) {
      c[i] = alpha * c[i] + (bias == null ? 0 : beta * bias[i]);
    }
    return Tensor.reals(out, c);
  }

  static Tensor matmul(Tensor ta, Tensor tb) {
    Shape out = ShapeInference.infer("tensor.matmul", List.of(ta.shape(), tb.shape()),
        Attrs.NONE).get(0);
    int[] da = ta.shape().rank() == 1 ? new int[] {1, ta.shape().dim(0)} : ta.shape().dims();
    int[] db = tb.shape().rank() == 1 ? new int[] {tb.shape().dim(0), 1} : tb.shape().dims();
    int m = da[da.length - 2];
    int k = da[da.length - 1];
    int n = db[db.length - 1];
    Shape ba = Shape.of(Arrays.copyOf(da, da.length - 2));
    Shape bb = Shape.of(Arrays.copyOf(db, db.length - 2));
    Shape batch = ShapeInference.broadcast(List.of(ba, bb));
    int[] ia = Broadcast.sourceIndex(ba, batch);
    int[] ib = Broadcast.sourceIndex(bb, batch);
    double[] a = ta.reals();
    double[] b = tb.reals();
    double[] c = new double[out.size()];
    for (int t = 0; t < batch.size(); t++) {
      int sa = ia == null ? t : ia[t];
      int sb = ib == null ? t : ib[t];
      matmulAdd(a, sa * m * k, b, sb * k * n, c, t * m * n, m, k, n);
    }
    return Tensor.reals(out, c);
  }

  /** Geometry of a 2-D convolution; 1-D ones are lifted to height 1. */
  private record Geo(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int sh,
      int sw, int ph, int pw, int dh, int dw, int group) {}

  private static Geo geometry(Shape x, Shape w, Shape y, Attrs at, boolean transposed) {
    int[] s = at.getInts("strides");
    int[] p = at.getInts("pads");
    int[] d = at.getInts("dilations");
    int g = at.getInt("group");
    int o = transposed ? w.dim(1) * g : w.dim(0);
    if (x.rank() == 3) {
      return new Geo(x.dim(0), x.dim(1), 1, x.dim(2), o, 1, w.dim(2), 1, y.dim(2), 1, s[0], 0,
          p[0], 1, d[0], g);
    }
    return new Geo(x.dim(0), x.dim(1), x.dim(2), x.dim(3), o, w.dim(2), w.dim(3), y.dim(2),
        y.dim(3), s[0], s[1], p[0], p[1], d[0], d[1], g);
  }

  static Tensor conv(List<Tensor> ins, Attrs at) {
    Tensor tx = ins.get(0);
    Tensor tw = ins.get(1);
    Shape out = ShapeInference.infer("tensor.conv", List.of(tx.shape(), tw.shape()), at).get(0);
    Geo q = geometry(tx.shape(), tw.shape(), out, at, false);
    int cg = q.c / q.group;
    int og = q.o / q.group;
    int kk = cg * q.kh * q.kw;
    int ohw = q.oh * q.ow;
    double[] x = tx.reals();
    double[] w = tw.reals();
    double[] y = new double[out.size()];
    double[] cols = new double[kk * ohw];
    for (int b = 0; b < q.n; b++) {
      for (int g = 0; g < q.group; g++) {
        im2col(x, (b * q.c + g * cg) * q.h * q.w, cg, q, cols);
        matmulAdd(w, g * og * kk, cols, 0, y, (b * q.o + g * og) * ohw, og, kk, ohw);
      }
    }
    addBias(ins, y, q.n, q.o, ohw);
    return Tensor.reals(out, y);
  }

  private static void addBias(List<Tensor> ins, double[] y, int n, int o, int plane) {
    if (ins.size() < 3) {
      return;
    }
    double[] bias = ins.get(2).reals();
    for (int b = 0; b < n; b++) {
      for (int c = 0; c < o; c++) {
        int base = (b * o + c) * plane;
        for (int i = 0; i < plane; i++) {
          y[base + i] += bias[c];
        }
      }
    }
  }

  /** cols[(c, kh, kw), (oh, ow)] = x[c, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw], 0 outside. */
  private static void im2col(double[] x, int base, int cg, Geo q, double[] cols) {
    int ohw = q.oh * q.ow;
    for (int c = 0; c < cg; c++) {
      for (int kh = 0; kh < q.kh; kh++) {
        for (int kw = 0; kw < q.kw; kw++) {
          int row = ((c * q.kh + kh) * q.kw + kw) * ohw;
          for (int oh = 0; oh < q.oh; oh++) {
            int ih = oh * q.sh - q.ph + kh * q.dh;
            int dst = row + oh * q.ow;
            if (ih < 0 || ih >= q.h) {
              Arrays.fill(cols, dst, dst + q.ow, 0);
              continue;
            }
            int src = base + (c * q.h + ih) * q.w;
            for (int ow = 0; ow < q.ow; ow++) {
              int iw = ow * q.sw - q.pw + kw * q.dw;
              cols[dst + ow] = iw >= 0 && iw < q.w ? x[src + iw] : 0;
            }
          }
        }
      }
    }
  }

  /**
   * Transposed convolution as the adjoint of {@link #conv}: cols = W_g^T @ X_g, then every
   * column entry is added where the forward conv would have read it (col2im).
   */
  static Tensor convTranspose(List<Tensor> ins, Attrs at) {
    Tensor tx = ins.get(0);
    Tensor tw = ins.get(1);
    Shape out = ShapeInference.infer("tensor.conv_transpose", List.of(tx.shape(), tw.shape()),
        at).get(0);
    Geo q = geometry(tx.shape(), tw.shape(), out, at, true);
    int cg = q.c / q.group;
    int og = q.o / q.group;
    int rows = og * q.kh * q.kw;
    int hw = q.h * q.w;
    double[] x = tx.reals();
    double[] w = tw.reals();
    double[] y = new double[out.size()];
    double[] cols = new double[rows * hw];
    for (int g = 0; g < q.group; g++) {
      double[] wt = transpose2d(Arrays.copyOfRange(w, g * cg * rows, (g + 1) * cg * rows), cg,
          rows);
      for (int b = 0; b < q.n; b++) {
        Arrays.fill(cols, 0);
        matmulAdd(wt, 0, x, (b * q.c + g * cg) * hw, cols, 0, rows, cg, hw);
        int yb = (b * q.o + g * og) * q.oh * q.ow;
        for (int r = 0; r < rows; r++) {
          int o = r / (q.kh * q.kw);
          int kh = r / q.kw % q.kh;
          int kw = r % q.kw;
          for (int ih = 0; ih < q.h; ih++) {
            int oh = ih * q.sh - q.ph + kh * q.dh;
            if (oh < 0 || oh >= q.oh) {
              continue;
            }
            for (int iw = 0; iw < q.w; iw++) {
              int ow = iw * q.sw - q.pw + kw * q.dw;
              if (ow >= 0 && ow < q.ow) {
                y[yb + (o * q.oh + oh) * q.ow + ow] += cols[r * hw + ih * q.w + iw];
              }
            }
          }
        }
      }
    }
    addBias(ins, y, q.n, q.o, q.oh * q.ow);
    return Tensor.reals(out, y);
  }
}
