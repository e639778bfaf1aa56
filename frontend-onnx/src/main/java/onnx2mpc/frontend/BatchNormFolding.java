package onnx2mpc.frontend;

import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;

/**
 * fold-batchnorm: BN(conv(x, W, B)) = conv(x, W * s, (B - mean) * s + beta) with s = gamma /
 * sqrt(var + eps) per output channel; likewise for a Gemm, whose output columns are the
 * channels. In MPC this saves a whole secret-by-public multiply and truncation per activation.
 * It applies only when the conv's result feeds nothing else and all parameters are constants.
 */
final class BatchNormFolding {
  private BatchNormFolding() {}

  /** The folded replacement of the BN at {@code c}, or null when it cannot be folded. */
  static Value tryFold(NodeContext c, double eps) {
    Value x = c.in(0);
    Node p = x.def();
    if (p == null || c.state.uses(x) != 1) {
      return null;
    }
    boolean conv = p.op().equals("tensor.conv");
    if (!conv && !p.op().equals("tensor.gemm")) {
      return null;
    }
    Graph g = c.state.graph;
    int ch = x.shape().dim(1);
    for (int i = 1; i < 5; i++) {
      if (!c.isConstant(i) || c.shape(i).size() != ch) {
        return null; // not foldable, or malformed: tensor.batchnorm reports the shapes
      }
    }
    for (int i = 1; i < p.inputs().size(); i++) {
      if (!g.isConstant(p.input(i))) {
        return null;
      }
    }
    double[] gamma = c.constant(1, "scale").reals();
    double[] beta = c.constant(2, "B").reals();
    double[] mean = c.constant(3, "mean").reals();
    double[] var = c.constant(4, "var").reals();
    double[] s = new double[ch];
    double[] t = new double[ch];
    for (int i = 0; i < ch; i++) {
      s[i] = gamma[i] / Math.sqrt(var[i] + eps);
      t[i] = beta[i] - mean[i] * s[i];
    }
    Tensor w = g.constant(p.input(1));
    Tensor bias = p.inputs().size() > 2 ? g.constant(p.input(2)) : null;
    if (conv) {
      return foldConv(c, p, w, bias, s, t);
    }
    return foldGemm(c, p, w, bias, s, t);
  }

  private static Value foldConv(NodeContext c, Node p, Tensor w, Tensor bias, double[] s,
      double[] t) {
    double[] wd = w.reals().clone();
    int per = wd.length / s.length;
    for (int o = 0; o < s.length; o++) {
      for (int i = 0; i < per; i++) {
        wd[o * per + i] *= s[o];
      }
    }
    double[] bd = new double[s.length];
    for (int o = 0; o < s.length; o++) {
      bd[o] = (bias == null ? 0 : bias.reals()[o]) * s[o] + t[o];
    }
    Value nw = c.constant(Tensor.reals(w.shape(), wd), Elem.FIXED);
    Value nb = c.constant(Tensor.reals(Shape.of(s.length), bd), Elem.FIXED);
    return emit(c, p, "tensor.conv", List.of(p.input(0), nw, nb), p.attrs());
  }

  /**
   * alpha A' B' + beta C followed by BN is alpha A' (B' s) + (s (beta C - mean) + b), i.e. the
   * columns of B' scaled and a new C with beta 1.
   */
  private static Value foldGemm(NodeContext c, Node p, Tensor b, Tensor cc, double[] s,
      double[] t) {
    boolean transB = p.attrs().getInt("transB") != 0;
    double[] bd = b.reals().clone();
    int rows = b.shape().dim(0);
    int cols = b.shape().dim(1);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < cols; k++) {
        bd[r * cols + k] *= s[transB ? r : k];
      }
    }
    Tensor sv = Tensor.reals(Shape.of(s.length), s);
    Tensor tv = Tensor.reals(Shape.of(t.length), t);
    Tensor newC = tv;
    if (cc != null) {
      double betaAttr = p.attrs().getDouble("beta");
      Tensor scaled = Interpreter.eval("tensor.mul", List.of(cc, Tensor.scalar(betaAttr)),
          Attrs.NONE).get(0);
      scaled = Interpreter.eval("tensor.mul", List.of(scaled, sv), Attrs.NONE).get(0);
      newC = Interpreter.eval("tensor.add", List.of(scaled, tv), Attrs.NONE).get(0);
    }
    Value nb = c.constant(Tensor.reals(b.shape(), bd), Elem.FIXED);
    Value nc = c.constant(Tensor.reals(newC.shape(), newC.reals()), Elem.FIXED);
    Attrs a = p.attrs().toBuilder().put("beta", 1.0).build();
    return emit(c, p, "tensor.gemm", List.of(p.input(0), nb, nc), a);
  }

  /** The folded op keeps the origin of the conv or gemm, which does the work. */
  private static Value emit(NodeContext c, Node p, String op, List<Value> ins, Attrs a) {
    return c.state.emit(op, ins, a, p.origin(), List.of(c.node.getOutput(0))).get(0);
  }
}
