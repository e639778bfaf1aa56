package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.Arrays;
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
 * The data movement ops of {@link LowerExact} (split, gather with constant indices, expand),
 * composed from mpc.slice, mpc.concat, mpc.pad and mpc.expand, which every party applies to
 * whatever it holds (so visibility is kept), and the transposed convolution, lowered to a
 * convolution.
 */
final class LowerExactData {
  private final LowerExact e;
  private final Lowering l;
  private final MpcBuilder b;

  LowerExactData(LowerExact e) {
    this.e = e;
    this.l = e.l;
    this.b = e.b;
  }

  Value lower(Node n) {
    return switch (n.op()) {
      case "tensor.gather" -> gather(n);
      case "tensor.expand" -> l.broadcast(l.get(n.input(0)), n.output().shape());
      case "tensor.conv_transpose" -> convTranspose(n);
      default -> throw new IrException(n, "expected a data movement op, but found " + n.op());
    };
  }

  /** One mpc.slice per piece. */
  List<Value> split(Node n) {
    Value x = l.get(n.input(0));
    int axis = n.attrs().getInt("axis");
    int rank = x.shape().rank();
    int[] steps = new int[rank];
    Arrays.fill(steps, 1);
    List<Value> outs = new ArrayList<>();
    int offset = 0;
    for (Value piece : n.outputs()) {
      int[] starts = new int[rank];
      starts[axis] = offset;
      Shape s = piece.shape();
      outs.add(b.op("mpc.slice", List.of(x), x.type().withShape(s), "dims", x.shape().dims(),
          "starts", starts, "steps", steps, "outDims", s.dims()));
      offset += s.dim(axis);
    }
    return outs;
  }

  /**
   * Gather along an axis with constant indices. The value is viewed as [outer, d, inner]; the
   * index list is cut into maximal arithmetic progressions (runs such as 0..9, 7 6 5, or a
   * repeated index with step 0), each one strided mpc.slice, and the runs are concatenated.
   */
  private Value gather(Node n) {
    Value x = l.get(n.input(0));
    int axis = n.attrs().getInt("axis");
    long[] idx = n.attrs().getTensor("indices").ints();
    Shape xs = x.shape();
    int d = xs.dim(axis);
    int inner = 1;
    for (int i = axis + 1; i < xs.rank(); i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, d * inner);
    for (long i : idx) {
      if (i < 0 || i >= d) {
        throw new IrException(n, "expected gather indices in [0, " + d + "), but found " + i);
      }
    }
    int[] dims = {outer, d, inner};
    Value view = e.reshape(x, Shape.of(dims));
    List<Value> parts = new ArrayList<>();
    List<Integer> inners = new ArrayList<>();
    int i = 0;
    while (i < idx.length) {
      int len = 1;
      long step = i + 1 < idx.length ? idx[i + 1] - idx[i] : 1;
      while (i + len < idx.length && idx[i + len] - idx[i + len - 1] == step) {
        len++;
      }
      int[] od = {outer, len, inner};
      parts.add(b.op("mpc.slice", List.of(view), x.type().withShape(Shape.of(od)), "dims", dims,
          "starts", new int[] {0, (int) idx[i], 0}, "steps",
          new int[] {1, len == 1 ? 1 : (int) step, 1}, "outDims", od));
      inners.add(len * inner);
      i += len;
    }
    Shape out = n.output().shape();
    if (parts.isEmpty()) {
      return b.op("mpc.slice", List.of(view), x.type().withShape(out), "dims", dims, "starts",
          new int[3], "steps", new int[] {1, 1, 1}, "outDims", new int[] {outer, 0, inner});
    }
    Value all = parts.size() == 1 ? parts.get(0)
        : b.op("mpc.concat", parts, x.type().withShape(Shape.of(outer, idx.length, inner)),
            "outer", outer, "inners", inners.stream().mapToInt(Integer::intValue).toArray());
    return e.reshape(all, out);
  }

  /**
   * ConvTranspose as a convolution (Dumoulin and Visin, "A guide to convolution arithmetic",
   * section 4): the input is spread by the stride (s - 1 zeros between elements: reshape to
   * [N,C,H,1,W,1], pad the unit axes to s, reshape to [N,C,Hs,Ws]), padded by
   * dilation (k - 1) - pad at the start (cropped where negative; the end padding is implied by
   * the output size), and convolved with stride 1 and the same dilation with weights
   * W'[g og + o, c, i, j] = W[g cg + c, o, k - 1 - i, k - 1 - j], the kernel flipped and its
   * channel axes swapped per group. Constant weights are rearranged at compile time, secret
   * ones by mpc.transpose and a slice with steps -1. 1-D is 2-D with height 1.
   */
  private Value convTranspose(Node n) {
    Attrs a = n.attrs();
    Shape xs0 = n.input(0).shape();
    Shape ws0 = n.input(1).shape();
    Shape ys0 = n.output().shape();
    boolean oneD = xs0.rank() == 3;
    if (!oneD && xs0.rank() != 4) {
      throw new IrException(n, "expected a 1-D or 2-D transposed convolution, but found input "
          + xs0);
    }
    int sp = oneD ? 1 : 2;
    int[] st = a.getInts("strides");
    int[] pads = a.getInts("pads");
    int[] dil = a.getInts("dilations");
    int group = a.getInt("group");
    // Spatial parameters as (height, width); height is the unit axis in 1-D.
    int[] s = oneD ? new int[] {1, st[0]} : st;
    int[] dl = oneD ? new int[] {1, dil[0]} : dil;
    int[] pBegin = oneD ? new int[] {0, pads[0]} : new int[] {pads[0], pads[1]};
    int n0 = xs0.dim(0);
    int ch = xs0.dim(1);
    int h = oneD ? 1 : xs0.dim(2);
    int w = xs0.dim(sp + 1);
    int kh = oneD ? 1 : ws0.dim(2);
    int kw = ws0.dim(sp + 1);
    int o = ys0.dim(1);
    int oh = oneD ? 1 : ys0.dim(2);
    int ow = ys0.dim(sp + 1);
    Shape ys = Shape.of(n0, o, oh, ow);

    Value x = e.reshape(l.get(n.input(0)), Shape.of(n0, ch, h, w));
    int hz = h;
    int wz = w;
    if (s[0] > 1 || s[1] > 1) {
      int[] d6 = {n0, ch, h, 1, w, 1};
      Value x6 = e.reshape(x, Shape.of(d6));
      int[] end = {0, 0, 0, s[0] - 1, 0, s[1] - 1};
      Shape padded = Shape.of(n0, ch, h, s[0], w, s[1]);
      x = b.op("mpc.pad", List.of(x6), x6.type().withShape(padded), "dims", d6, "begin",
          new int[6], "end", end, "value", 0L);
      hz = h * s[0];
      wz = w * s[1];
      x = e.reshape(x, Shape.of(n0, ch, hz, wz));
    }
    int top = dl[0] * (kh - 1) - pBegin[0];
    int left = dl[1] * (kw - 1) - pBegin[1];
    if (top < 0 || left < 0) {
      int cropT = Math.max(0, -top);
      int cropL = Math.max(0, -left);
      if (cropT >= hz || cropL >= wz) {
        throw new IrException(n, "expected pads below the spread input, but found "
            + Arrays.toString(pads));
      }
      int[] od = {n0, ch, hz - cropT, wz - cropL};
      x = b.op("mpc.slice", List.of(x), x.type().withShape(Shape.of(od)), "dims",
          new int[] {n0, ch, hz, wz}, "starts", new int[] {0, 0, cropT, cropL}, "steps",
          new int[] {1, 1, 1, 1}, "outDims", od);
      hz -= cropT;
      wz -= cropL;
      top = Math.max(0, top);
      left = Math.max(0, left);
    }
    int[] conv = {n0, ch, hz, wz, o, kh, kw, oh, ow, 1, 1, top, left, dl[0], dl[1], group};
    Value wt = flippedWeights(n, group, ch, o, kh, kw);
    Value y = convProduct(x, wt, conv, ys);
    if (n.inputs().size() > 2) {
      y = addBias(y, n.input(2), ys);
    }
    return e.reshape(b.rescale(y), ys0);
  }

  /** The convolution weights [O, C/group, kh, kw] of ConvTranspose weights [C, O/group, ...]. */
  private Value flippedWeights(Node n, int group, int ch, int o, int kh, int kw) {
    Value wv = n.input(1);
    int cg = ch / group;
    int og = o / group;
    int kk = kh * kw;
    if (l.isConstant(wv)) {
      double[] src = l.constantData(wv).reals();
      double[] dst = new double[src.length];
      for (int g = 0; g < group; g++) {
        for (int oc = 0; oc < og; oc++) {
          for (int ic = 0; ic < cg; ic++) {
            for (int i = 0; i < kh; i++) {
              for (int j = 0; j < kw; j++) {
                dst[((g * og + oc) * cg + ic) * kk + i * kw + j] =
                    src[((g * cg + ic) * og + oc) * kk + (kh - 1 - i) * kw + (kw - 1 - j)];
              }
            }
          }
        }
      }
      Vis vis = l.isPublicConstant(wv) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
      String name = (wv.name() == null ? n.origin() + ".weight" : wv.name()) + ".flipped";
      return b.constant(name, Tensor.reals(Shape.of(o, cg, kh, kw), dst), b.precision, vis);
    }
    Value w5 = e.reshape(l.get(wv), Shape.of(group, cg, og, kh, kw));
    Value t = b.op("mpc.transpose", List.of(w5), w5.type().withShape(
        Shape.of(group, og, cg, kh, kw)), "dims", new int[] {group, cg, og, kh, kw}, "perm",
        new int[] {0, 2, 1, 3, 4});
    Value w4 = e.reshape(t, Shape.of(o, cg, kh, kw));
    int[] d4 = {o, cg, kh, kw};
    return b.op("mpc.slice", List.of(w4), w4.type(), "dims", d4, "starts",
        new int[] {0, 0, kh - 1, kw - 1}, "steps", new int[] {1, 1, -1, -1}, "outDims", d4);
  }

  /**
   * conv(x, w) by the operands' visibility, as LowerLinear does: local with a public operand,
   * the owner-only product for the weights owner's weights, local at the owner when both are
   * its own (then shared), else a Beaver convolution.
   */
  private Value convProduct(Value x, Value w, int[] dims, Shape out) {
    if (x.vis().isPublic() && w.vis().isPublic()) {
      throw new IrException(x.def(), "expected a secret operand for conv_transpose, but both"
          + " are public (should have been folded)");
    }
    if (w.vis().isPublic()) {
      Value xs = l.toShares(x);
      return b.op("mpc.conv_ap", List.of(xs, w), MpcBuilder.productType(xs, w, out), "conv",
          dims);
    }
    if (x.vis().isPublic()) {
      Value ws = l.toShares(w);
      return b.op("mpc.conv_pa", List.of(x, ws), MpcBuilder.productType(x, ws, out), "conv",
          dims);
    }
    if (w.vis().isPrivate()) {
      int owner = w.vis().owner();
      if (x.vis().isPrivate() && x.vis().owner() == owner) {
        Type t = Type.fixed(out, x.type().scale() + w.type().scale(), Vis.privateTo(owner));
        return l.toShares(b.op("mpc.conv_vv", List.of(x, w), t, "conv", dims));
      }
      return b.ownedProduct(l.toShares(x), w, 2, "conv", dims, out);
    }
    return b.convAA(l.toShares(x), l.toShares(w), dims, out);
  }

  /** y (at the product's scale) + bias over axis 1. */
  private Value addBias(Value y, Value bias, Shape out) {
    int scale = y.type().scale();
    int o = out.dim(1);
    Shape b4 = Shape.of(1, o, 1, 1);
    Value bv;
    if (l.isConstant(bias)) {
      Vis vis = l.isPublicConstant(bias) ? Vis.PUBLIC : Vis.privateTo(l.opts.weightsOwner());
      String name = bias.name() == null ? "conv_transpose.bias" : bias.name();
      bv = b.constant(name, Tensor.reals(b4, l.constantData(bias).reals()), scale, vis);
    } else {
      bv = e.reshape(e.raise(l.secret(bias), scale), b4);
    }
    return e.add(y, bv, out);
  }
}
