package onnx2mpc.ir.interp;

import onnx2mpc.ir.Shape;

/** Numpy broadcasting as index maps, so that kernels loop over plain arrays. */
final class Broadcast {
  private Broadcast() {}

  /**
   * For every element of {@code out} (row-major), the index of the element of {@code in} it
   * reads; null when {@code in} equals {@code out} (the identity map, the common case).
   */
  static int[] sourceIndex(Shape in, Shape out) {
    if (in.equals(out)) {
      return null;
    }
    int n = out.size();
    int[] idx = new int[n];
    if (in.size() == 1) {
      return idx; // every element reads element 0
    }
    int r = out.rank();
    int[] od = out.dims();
    int[] st = new int[r]; // stride of `in` per output axis, 0 where broadcast
    int[] ist = in.strides();
    for (int i = 0; i < in.rank(); i++) {
      int o = r - in.rank() + i;
      st[o] = in.dim(i) == 1 ? 0 : ist[i];
    }
    int[] c = new int[r];
    int src = 0;
    for (int e = 0; e < n; e++) {
      idx[e] = src;
      for (int ax = r - 1; ax >= 0; ax--) {
        c[ax]++;
        src += st[ax];
        if (c[ax] < od[ax]) {
          break;
        }
        src -= st[ax] * c[ax];
        c[ax] = 0;
      }
    }
    return idx;
  }

  /** Reads {@code data} (of shape {@code in}) broadcast to {@code out}. */
  static double[] expand(double[] data, Shape in, Shape out) {
    int[] idx = sourceIndex(in, out);
    if (idx == null) {
      return data;
    }
    double[] r = new double[idx.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = data[idx[i]];
    }
    return r;
  }

  static long[] expand(long[] data, Shape in, Shape out) {
    int[] idx = sourceIndex(in, out);
    if (idx == null) {
      return data;
    }
    long[] r = new long[idx.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = data[idx[i]];
    }
    return r;
  }
}
