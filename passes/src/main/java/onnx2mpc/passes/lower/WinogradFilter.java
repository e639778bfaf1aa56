package onnx2mpc.passes.lower;

import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * The filter transform of Winograd's F(2x2, 3x3) (Lavin and Gray 2016, "Fast Algorithms for
 * Convolutional Neural Networks", section 4.1): U = G g G^T for each 3x3 filter g, with
 * G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]. Computed at compile time on the
 * real weights, so that encoding U in fixed point rounds once, like encoding the weights.
 */
final class WinogradFilter {
  private static final double[][] G = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};

  private WinogradFilter() {}

  /** U [16, o, c] (position xi = 4 r + s major) from real weights w [o, c, 3, 3]. */
  static Tensor of(Tensor w) {
    Shape s = w.shape();
    if (s.rank() != 4 || s.dim(2) != 3 || s.dim(3) != 3) {
      throw new IllegalArgumentException("winograd filter: expected weights [o, c, 3, 3], but"
          + " found " + s);
    }
    int oc = s.dim(0) * s.dim(1);
    double[] g = w.reals();
    double[] u = new double[16 * oc];
    double[] t = new double[12];
    for (int k = 0; k < oc; k++) {
      // t = G g (4 x 3), then U = t G^T (4 x 4).
      for (int r = 0; r < 4; r++) {
        for (int j = 0; j < 3; j++) {
          t[3 * r + j] = G[r][0] * g[9 * k + j] + G[r][1] * g[9 * k + 3 + j]
              + G[r][2] * g[9 * k + 6 + j];
        }
      }
      for (int r = 0; r < 4; r++) {
        for (int q = 0; q < 4; q++) {
          u[(4 * r + q) * oc + k] = t[3 * r] * G[q][0] + t[3 * r + 1] * G[q][1]
              + t[3 * r + 2] * G[q][2];
        }
      }
    }
    return Tensor.reals(Shape.of(16, s.dim(0), s.dim(1)), u);
  }
}
