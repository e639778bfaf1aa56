package onnx2mpc.passes.lower;

import java.util.Arrays;
import java.util.List;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;

/** Add, Sub, Mul with numpy broadcasting, and BatchNormalization that was not folded. */
final class LowerElementwise {
  private final Lowering l;
  private final MpcBuilder b;

  LowerElementwise(Lowering l) {
    this.l = l;
    this.b = l.b;
  }

  Value binary(Node n) {
    Shape out = n.output().shape();
    Value x = l.get(n.input(0));
    Value y = l.get(n.input(1));
    String op = n.op();
    if (op.equals("tensor.mul")) {
      return mul(x, y, out);
    }
    boolean sub = op.equals("tensor.sub");
    x = align(x, y);
    y = align(y, x);
    Value xb = broadcast(x, out);
    Value yb = broadcast(y, out);
    if (xb.vis().isPublic() && yb.vis().isPublic()) {
      throw new IrException(n, "expected a secret operand, but both are public");
    }
    if (xb.vis().isPublic()) {
      return sub ? b.subPA(xb, l.toShares(yb)) : b.addAP(l.toShares(yb), xb);
    }
    if (yb.vis().isPublic()) {
      return sub ? b.subAP(l.toShares(xb), yb) : b.addAP(l.toShares(xb), yb);
    }
    Value xs = l.toShares(xb);
    Value ys = l.toShares(yb);
    Value once = truncatedOnce(xs, ys, sub);
    if (once != null) {
      return once;
    }
    return sub ? b.subAA(xs, ys) : b.addAA(xs, ys);
  }

  /**
   * x +- y where the dealer truncated x or y (MpcBuilder.untruncated): the untruncated values
   * (the other operand raised to their scale, exactly) are added and the sum truncated once.
   * A relu after the sum then opens it untruncated (Circuits.relu), and the operands' own
   * truncations fall away when nothing else reads them, as in a residual block's
   * conv + identity followed by relu. Null where neither operand was truncated so.
   */
  private Value truncatedOnce(Value x, Value y, boolean sub) {
    Value x2 = b.untruncated(x);
    Value y2 = b.untruncated(y);
    if (x2 == null && y2 == null || x.type().scale() != y.type().scale()) {
      return null;
    }
    int scale = (x2 != null ? x2 : y2).type().scale();
    if (x2 != null && y2 != null && y2.type().scale() != scale) {
      return null;
    }
    Value xw = x2 != null ? x2 : b.upscale(x, scale - x.type().scale());
    Value yw = y2 != null ? y2 : b.upscale(y, scale - y.type().scale());
    return b.truncExact(sub ? b.subAA(xw, yw) : b.addAA(xw, yw), x.type().scale());
  }

  /** Brings an integer 0/1 or lower-scale value up to the other operand's scale. */
  private Value align(Value v, Value other) {
    int want = other.type().scale();
    int have = v.type().scale();
    return have >= want ? v : b.upscale(v, want - have);
  }

  Value mul(Value x, Value y, Shape out) {
    if (x.vis().isPublic() && y.vis().isPublic()) {
      throw new IrException(x.def(), "expected a secret operand, but both are public");
    }
    if (x.vis().isPublic()) {
      Value t = x;
      x = y;
      y = t;
    }
    Value xs = l.toShares(broadcast(x, out));
    if (y.vis().isPublic()) {
      if (y.shape().size() == 1 && y.def() != null && y.def().op().equals("mpc.const")) {
        // Scalar: multiply by its ring encoding, no broadcast buffer.
        long c = constWord(y);
        Value z = b.op("mpc.mul_const", List.of(xs),
            MpcBuilder.productType(xs, y, out), "c", c);
        return b.rescale(z);
      }
      return b.rescale(b.mulAP(xs, broadcast(y, out)));
    }
    return b.rescale(b.mulAA(xs, l.toShares(broadcast(y, out))));
  }

  private long constWord(Value c) {
    int id = c.def().attrs().getInt("id");
    return b.constants().get(id).words()[0];
  }

  /** y = x * s + t per channel, s = gamma / sqrt(var + eps), t = beta - mean * s. */
  Value batchNorm(Node n) {
    for (int i = 1; i < 5; i++) {
      if (!l.isConstant(n.input(i))) {
        throw new IrException(n, "expected constant BatchNormalization parameters, but input "
            + i + " is computed");
      }
    }
    double eps = n.attrs().getDouble("epsilon", 1e-5);
    double[] gamma = l.constantData(n.input(1)).reals();
    double[] beta = l.constantData(n.input(2)).reals();
    double[] mean = l.constantData(n.input(3)).reals();
    double[] var = l.constantData(n.input(4)).reals();
    int c = gamma.length;
    double[] s = new double[c];
    double[] t = new double[c];
    for (int i = 0; i < c; i++) {
      s[i] = gamma[i] / Math.sqrt(var[i] + eps);
      t[i] = beta[i] - mean[i] * s[i];
    }
    Shape out = n.output().shape();
    int[] bshape = new int[out.rank()];
    Arrays.fill(bshape, 1);
    bshape[1] = c;
    Vis vis = l.isPublicConstant(n.input(1)) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
    Value sc = b.constant(n.origin() + ".scale", Tensor.reals(Shape.of(bshape), s), b.precision,
        vis);
    Value sh = b.constant(n.origin() + ".shift", Tensor.reals(Shape.of(bshape), t),
        2 * b.precision, vis);
    Value x = l.secret(n.input(0));
    Value scaled = sc.vis().isPublic() ? b.mulAP(x, broadcast(sc, out))
        : b.mulAA(x, l.toShares(broadcast(sc, out)));
    Value shb = broadcast(sh, out);
    Value sum = shb.vis().isPublic() ? b.addAP(scaled, shb) : b.addAA(scaled, l.toShares(shb));
    return b.rescale(sum);
  }

  /** numpy broadcasting of v to {@code out} by an explicit expand. */
  Value broadcast(Value v, Shape out) {
    Shape s = v.shape();
    if (s.equals(out)) {
      return v;
    }
    int[] in = new int[out.rank()];
    Arrays.fill(in, 1);
    for (int i = 0; i < s.rank(); i++) {
      in[out.rank() - s.rank() + i] = s.dim(i);
    }
    Value r = Shape.of(in).equals(s) ? v
        : b.op("mpc.reshape", List.of(v), v.type().withShape(Shape.of(in)),
            onnx2mpc.ir.Attrs.NONE);
    return b.op("mpc.expand", List.of(r), v.type().withShape(out), "inDims", in, "outDims",
        out.dims());
  }
}
