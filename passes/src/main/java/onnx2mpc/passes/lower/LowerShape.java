package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Value;

/**
 * Data movement: every party applies the same permutation to whatever it holds for the operand
 * (shares, a public value, or its own private value), so these ops are local and keep the
 * operand's visibility.
 */
final class LowerShape {
  private final Lowering l;
  private final MpcBuilder b;

  LowerShape(Lowering l) {
    this.l = l;
    this.b = l.b;
  }

  Value lower(Node n) {
    Shape out = n.output().shape();
    return switch (n.op()) {
      case "tensor.reshape" -> {
        Value x = l.get(n.input(0));
        yield b.op("mpc.reshape", List.of(x), x.type().withShape(out), Attrs.NONE);
      }
      case "tensor.transpose" -> {
        Value x = l.get(n.input(0));
        yield b.op("mpc.transpose", List.of(x), x.type().withShape(out), "dims",
            x.shape().dims(), "perm", n.attrs().getInts("perm"));
      }
      case "tensor.concat" -> concat(n, out);
      case "tensor.slice" -> slice(n, out);
      case "tensor.pad" -> pad(n, out);
      default -> throw new IrException(n, "expected a data movement op, but found " + n.op());
    };
  }

  private Value concat(Node n, Shape out) {
    int axis = n.attrs().getInt("axis");
    List<Value> parts = new ArrayList<>();
    boolean anySecret = false;
    for (Value in : n.inputs()) {
      Value v = l.get(in);
      anySecret |= !v.vis().isPublic();
      parts.add(v);
    }
    if (!anySecret) {
      throw new IrException(n, "expected a secret operand, but all are public");
    }
    int owner = parts.get(0).vis().isPrivate() ? parts.get(0).vis().owner() : -1;
    boolean samePrivate = owner >= 0;
    for (Value v : parts) {
      samePrivate &= v.vis().isPrivate() && v.vis().owner() == owner;
    }
    int[] inners = new int[parts.size()];
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= out.dim(i);
    }
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Value v = samePrivate ? parts.get(i) : l.toShares(requireSecret(n, parts.get(i)));
      ins.add(v);
      inners[i] = v.shape().size() / outer;
    }
    return b.op("mpc.concat", ins, ins.get(0).type().withShape(out), "outer", outer, "inners",
        inners);
  }

  /** A public operand joins shares as party 0's share (the others hold zeros). */
  private Value requireSecret(Node n, Value v) {
    if (v.vis().isPublic()) {
      return b.op("mpc.from_public", List.of(v), v.type().withVis(onnx2mpc.ir.Vis.ARITH),
          Attrs.NONE);
    }
    return v;
  }

  private Value slice(Node n, Shape out) {
    Value x = l.get(n.input(0));
    int rank = x.shape().rank();
    int[] starts = new int[rank];
    int[] steps = new int[rank];
    java.util.Arrays.fill(steps, 1);
    long[] s = n.attrs().getLongs("starts");
    long[] axes = n.attrs().getLongs("axes");
    long[] st = n.attrs().getLongs("steps", null);
    for (int i = 0; i < axes.length; i++) {
      int ax = (int) axes[i];
      starts[ax] = (int) s[i];
      if (st != null) {
        steps[ax] = (int) st[i];
      }
    }
    return b.op("mpc.slice", List.of(x), x.type().withShape(out), "dims", x.shape().dims(),
        "starts", starts, "steps", steps, "outDims", out.dims());
  }

  private Value pad(Node n, Shape out) {
    // Party 0 fills the pad value, which is right for shares; a private or public operand
    // with a non-zero pad value is shared first.
    double value = n.attrs().getDouble("value", 0.0);
    Value x = value == 0.0 ? l.get(n.input(0)) : l.secret(n.input(0));
    int rank = x.shape().rank();
    long[] pads = n.attrs().getLongs("pads");
    int[] begin = new int[rank];
    int[] end = new int[rank];
    for (int i = 0; i < rank; i++) {
      begin[i] = (int) pads[i];
      end[i] = (int) pads[i + rank];
      if (begin[i] < 0 || end[i] < 0) {
        throw new IrException(n, "expected non-negative pads, but found "
            + java.util.Arrays.toString(pads));
      }
    }
    long word = Math.round(value * Math.scalb(1.0, x.type().scale()));
    return b.op("mpc.pad", List.of(x), x.type().withShape(out), "dims", x.shape().dims(),
        "begin", begin, "end", end, "value", word);
  }
}
