package onnx2mpc.passes.lower;

import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/**
 * Gemm, MatMul and Conv. A product with a public operand is local to each party; a product of
 * two secrets is a Beaver product with a dealer triple of the matching shape. Biases are added
 * at the product's doubled scale, so one truncation serves product and bias.
 */
final class LowerLinear {
  private final Lowering l;
  private final MpcBuilder b;

  LowerLinear(Lowering l) {
    this.l = l;
    this.b = l.b;
  }

  Value gemm(Node n) {
    Attrs a = n.attrs();
    double alpha = a.getDouble("alpha", 1.0);
    double beta = a.getDouble("beta", 1.0);
    boolean transA = a.getLong("transA", 0) != 0;
    boolean transB = a.getLong("transB", 0) != 0;
    Value x = n.input(0);
    Value w = n.input(1);
    Shape ys = n.output().shape();
    int m = ys.dim(0);
    int cols = ys.dim(1);
    int k = transA ? x.shape().dim(0) : x.shape().dim(1);
    Value xm = transA ? transpose2(l.get(x)) : l.get(x);
    Value wm;
    if (l.isConstant(w) && (transB || alpha != 1.0)) {
      // Fold transposition and alpha into the constant at compile time.
      Tensor t = l.constantData(w);
      double[] d = t.reals();
      double[] out = new double[k * cols];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < cols; j++) {
          out[i * cols + j] = alpha * (transB ? d[j * k + i] : d[i * cols + j]);
        }
      }
      Vis vis = l.isPublicConstant(w) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
      wm = b.constant(w.name() == null ? "gemm.B" : w.name(), Tensor.reals(Shape.of(k, cols), out),
          b.precision, vis);
      alpha = 1.0;
    } else {
      wm = transB ? transpose2(l.get(w)) : l.get(w);
    }
    Value y = product(xm, wm, new int[] {1, m, k, cols, 0, 0}, Shape.of(m, cols), "matmul");
    if (alpha != 1.0) {
      y = scaleBy(y, alpha);
    }
    if (n.inputs().size() > 2) {
      y = addBias(y, n.input(2), beta, Shape.of(m, cols));
    }
    return b.rescale(y);
  }

  Value matmul(Node n) {
    Value x = n.input(0);
    Value w = n.input(1);
    Shape xs = x.shape();
    Shape ws = w.shape();
    Shape ys = n.output().shape();
    if (xs.rank() == 1 || ws.rank() == 1) {
      // numpy promotes a vector operand: [k] @ [.., k, n] as [1, k]; [.., m, k] @ [k] as [k, 1].
      Shape xp = xs.rank() == 1 ? Shape.of(1, xs.dim(0)) : xs;
      Shape wp = ws.rank() == 1 ? Shape.of(ws.dim(0), 1) : ws;
      Value xl = reshape(l.get(x), xp);
      Value wl = reshape(l.get(w), wp);
      int m = xp.dim(-2);
      int k = xp.dim(-1);
      int cols = wp.dim(-1);
      int batch = Math.max(xp.size() / (m * k), wp.size() / (k * cols));
      if (xp.size() / (m * k) != 1 && wp.size() / (k * cols) != 1) {
        throw new IrException(n, "expected one batched MatMul operand, but found " + xs + " and "
            + ws);
      }
      int[] mm = {batch, m, k, cols, xp.size() / (m * k) > 1 ? 1 : 0,
          wp.size() / (k * cols) > 1 ? 1 : 0};
      return b.rescale(reshape(product(xl, wl, mm, Shape.of(batch, m, cols), "matmul"), ys));
    }
    if (xs.rank() < 2 || ws.rank() < 2) {
      throw new IrException(n, "expected MatMul operands of rank >= 2, but found " + xs + " and "
          + ws);
    }
    int m = xs.dim(-2);
    int k = xs.dim(-1);
    int cols = ws.dim(-1);
    int xBatch = xs.size() / (m * k);
    int wBatch = ws.size() / (k * cols);
    int batch = ys.size() / (m * cols);
    if ((xBatch != 1 && xBatch != batch) || (wBatch != 1 && wBatch != batch)) {
      throw new IrException(n, "expected MatMul batch dimensions that are equal or 1, but found "
          + xs + " and " + ws);
    }
    int[] mm = {batch, m, k, cols, xBatch > 1 ? 1 : 0, wBatch > 1 ? 1 : 0};
    if (xBatch == 1 && batch > 1) {
      // [1, m, k] against a batch of weights: broadcast x explicitly.
      mm[4] = 1;
      Value xv = b.op("mpc.expand", List.of(reshape(l.get(x), Shape.of(1, m, k))),
          l.get(x).type().withShape(Shape.of(batch, m, k)), "inDims", new int[] {1, m, k},
          "outDims", new int[] {batch, m, k});
      return b.rescale(reshape(product(xv, l.get(w), mm, Shape.of(batch, m, cols), "matmul"), ys));
    }
    return b.rescale(reshape(product(l.get(x), l.get(w), mm, Shape.of(batch, m, cols), "matmul"),
        ys));
  }

  Value conv(Node n) {
    Attrs a = n.attrs();
    Value x = n.input(0);
    Value w = n.input(1);
    Shape xs = x.shape();
    Shape ws = w.shape();
    Shape ys = n.output().shape();
    boolean oneD = xs.rank() == 3;
    if (!oneD && xs.rank() != 4) {
      throw new IrException(n, "expected a 1-D or 2-D convolution, but found input " + xs);
    }
    int[] strides = a.getInts("strides");
    int[] pads = a.getInts("pads");
    int[] dil = a.getInts("dilations");
    int group = a.getInt("group", 1);
    int[] conv = oneD
        ? new int[] {xs.dim(0), xs.dim(1), 1, xs.dim(2), ws.dim(0), 1, ws.dim(2), 1, ys.dim(2),
            1, strides[0], 0, pads[0], 1, dil[0], group}
        : new int[] {xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(0), ws.dim(2), ws.dim(3),
            ys.dim(2), ys.dim(3), strides[0], strides[1], pads[0], pads[1], dil[0], dil[1], group};
    Value y = winogradApplies(x, w, conv) ? winogradConv(x, w, conv, ys)
        : product(l.get(x), l.get(w), conv, ys, "conv");
    if (n.inputs().size() > 2) {
      y = addBias(y, n.input(2), 1.0, ys);
    }
    return b.rescale(y);
  }

  /** x (op) w with whichever protocol the operands' visibility calls for. */
  private Value product(Value x, Value w, int[] dims, Shape out, String kind) {
    boolean conv = kind.equals("conv");
    if (w.vis().isPublic() && !x.vis().isPublic()) {
      Value xs = l.toShares(x);
      return b.op(conv ? "mpc.conv_ap" : "mpc.matmul_ap", List.of(xs, w),
          MpcBuilder.productType(xs, w, out), conv ? "conv" : "mm", dims);
    }
    if (x.vis().isPublic() && !w.vis().isPublic() && !conv) {
      Value ws = l.toShares(w);
      return b.op("mpc.matmul_pa", List.of(x, ws), MpcBuilder.productType(x, ws, out), "mm", dims);
    }
    if (x.vis().isPublic() && w.vis().isPublic()) {
      throw new IrException(x.def(), "expected a secret operand for " + kind
          + ", but both are public (should have been folded)");
    }
    if (w.vis().isPrivate() && !(x.vis().isPrivate() && x.vis().owner() == w.vis().owner())) {
      return b.ownedProduct(l.toShares(x), w, conv ? 2 : 1, conv ? "conv" : "mm", dims, out);
    }
    Value xs = l.toShares(x);
    Value ws = l.toShares(w);
    return conv ? b.convAA(xs, ws, dims, out) : b.matmulAA(xs, ws, dims, out);
  }

  /** y (at doubled scale) + beta * bias, broadcast to {@code shape} (bias over axis 1 for conv). */
  private Value addBias(Value y, Value bias, double beta, Shape shape) {
    int scale = y.type().scale();
    Shape bs = bias.shape();
    if (l.isConstant(bias)) {
      Tensor t = l.constantData(bias);
      double[] d = t.reals().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] *= beta;
      }
      Vis vis = l.isPublicConstant(bias) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
      Value c = b.constant(bias.name() == null ? "bias" : bias.name(), Tensor.reals(bs, d), scale,
          vis);
      Value full = broadcastBias(c, shape);
      return full.vis().isPublic() ? b.addAP(y, full) : b.addAA(y, l.toShares(full));
    }
    Value s = b.upscale(l.secret(bias), scale - b.precision);
    if (beta != 1.0) {
      s = scaleBy(s, beta);
    }
    return b.addAA(y, broadcastBias(s, shape));
  }

  /** Broadcasts a bias of shape [C] (conv) or any numpy-compatible shape to {@code shape}. */
  private Value broadcastBias(Value bias, Shape shape) {
    Shape bs = bias.shape();
    if (bs.equals(shape)) {
      return bias;
    }
    int[] in = new int[shape.rank()];
    java.util.Arrays.fill(in, 1);
    if (shape.rank() >= 3 && bs.rank() == 1 && bs.dim(0) == shape.dim(1)) {
      in[1] = bs.dim(0);
    } else {
      for (int i = 0; i < bs.rank(); i++) {
        in[shape.rank() - bs.rank() + i] = bs.dim(i);
      }
    }
    Value r = reshape(bias, Shape.of(in));
    return b.op("mpc.expand", List.of(r), bias.type().withShape(shape), "inDims", in, "outDims",
        shape.dims());
  }

  private Value scaleBy(Value y, double factor) {
    long c = Math.round(factor * Math.scalb(1.0, b.precision));
    Value z = b.op("mpc.mul_const", List.of(y), y.type().withScale(y.type().scale() + b.precision),
        "c", c);
    return b.truncTo(z, y.type().scale());
  }

  Value reshape(Value v, Shape s) {
    if (v.shape().equals(s)) {
      return v;
    }
    return b.op("mpc.reshape", List.of(v), v.type().withShape(s), Attrs.NONE);
  }

  private Value transpose2(Value v) {
    Shape s = v.shape();
    return b.op("mpc.transpose", List.of(v), v.type().withShape(Shape.of(s.dim(1), s.dim(0))),
        "dims", s.dims(), "perm", new int[] {1, 0});
  }

  /**
   * Whether a convolution runs as Winograd's F(2x2, 3x3): 3x3 kernel, stride 1, no dilation,
   * one group (conv attribute layout in {@link onnx2mpc.ir.MpcOps}), with weights that are a
   * constant of the weights owner and an input that is not the owner's alone. Off with the
   * system property {@code onnx2mpc.winograd=false}.
   */
  private boolean winogradApplies(Value x, Value w, int[] conv) {
    if (!Boolean.parseBoolean(System.getProperty("onnx2mpc.winograd", "true"))
        || conv[5] != 3 || conv[6] != 3 || conv[9] != 1 || conv[10] != 1 || conv[13] != 1
        || conv[14] != 1 || conv[15] != 1 || !l.isConstant(w) || l.isPublicConstant(w)
        || l.constantData(w).isInt()) {
      return false;
    }
    Value xv = l.get(x);
    return !(xv.vis().isPrivate() && xv.vis().owner() == l.opts.weightsOwner());
  }

  /** The owner product through Winograd, its filters transformed here from the real weights. */
  private Value winogradConv(Value x, Value w, int[] conv, Shape ys) {
    String name = (w.name() == null ? "const" + w.id() : w.name()) + ".winograd";
    Value u = b.constant(name, WinogradFilter.of(l.constantData(w)), l.opts.precision(),
        Vis.privateTo(l.opts.weightsOwner()));
    return b.ownedWinogradConv(l.toShares(l.get(x)), u, conv, ys);
  }
}
