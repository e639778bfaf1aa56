package onnx2mpc.frontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Value;

/** Softmax, LogSoftmax, ReduceSum, ReduceMean, ArgMax and LayerNormalization. */
final class ReduceConverters {
  private ReduceConverters() {}

  static void register(Map<String, Converter> m) {
    m.put("Softmax", c -> softmax(c, "tensor.softmax"));
    m.put("LogSoftmax", c -> softmax(c, "tensor.log_softmax"));
    m.put("ReduceSum", c -> reduce(c, "tensor.reduce_sum"));
    m.put("ReduceMean", c -> reduce(c, "tensor.reduce_mean"));
    m.put("ArgMax", ReduceConverters::argmax);
    m.put("LayerNormalization", ReduceConverters::layerNorm);
  }

  /**
   * Since opset 13 softmax runs along one axis (default -1). Before, the input is coerced to
   * 2-D [prod(d[:axis]), prod(d[axis:])] (default axis 1) and softmax runs over the whole
   * second part; that equals the one-axis form only when axis is the last, and otherwise
   * becomes reshape, softmax on axis 1, reshape back.
   */
  private static void softmax(NodeContext c, String op) {
    Shape x = c.shape(0);
    int r = x.rank();
    boolean coerced = c.opset() < 13;
    int axis = NodeContext.axis(c.attrs.getInt("axis", coerced ? 1 : -1), Math.max(r, 1),
        "axis");
    if (!coerced || axis == r - 1 || r == 0) {
      c.define(c.emit(op, c.in(0), Attrs.of("axis", axis)));
      return;
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= x.dim(i);
    }
    Value flat = ShapeConverters.reshapeTo(c, c.in(0),
        new int[] {outer, x.size() / Math.max(outer, 1)});
    Value y = c.emit(op, flat, Attrs.of("axis", 1));
    c.define(ShapeConverters.reshapeTo(c, y, x.dims()));
  }

  /**
   * ReduceSum/ReduceMean: axes from the attribute (ReduceSum before 13, ReduceMean before 18)
   * or the input; no axes means all of them unless noop_with_empty_axes.
   */
  private static void reduce(NodeContext c, String op) {
    Shape x = c.shape(0);
    int r = x.rank();
    long[] axes = ShapeConverters.axes(c, 1);
    boolean keep = c.attrs.getInt("keepdims", 1) != 0;
    if (axes == null || axes.length == 0) {
      if (c.attrs.getInt("noop_with_empty_axes", 0) != 0) {
        c.define(c.in(0));
        return;
      }
      axes = new long[r];
      for (int i = 0; i < r; i++) {
        axes[i] = i;
      }
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (long a : axes) {
      if (!set.add(NodeContext.axis(a, r, "axes"))) {
        throw new ConversionException("axes", "expected distinct axes, but found axis " + a
            + " twice");
      }
    }
    int[] sorted = set.stream().mapToInt(Integer::intValue).toArray();
    c.define(c.emit(op, c.in(0), Attrs.of("axes", sorted, "keepdims", keep ? 1 : 0)));
  }

  private static void argmax(NodeContext c) {
    if (c.attrs.getInt("select_last_index", 0) != 0) {
      throw NodeContext.unsupported("select_last_index", 1, "0 (the first maximum)");
    }
    int axis = NodeContext.axis(c.attrs.getInt("axis", 0), c.rank(0), "axis");
    long keep = c.attrs.getInt("keepdims", 1) != 0 ? 1 : 0;
    c.define(c.emit("tensor.argmax", c.in(0), Attrs.of("axis", axis, "keepdims", keep)));
  }

  private static void layerNorm(NodeContext c) {
    c.requireUnusedOutputsFrom(1, "the saved mean and inverse deviation are training outputs");
    int axis = NodeContext.axis(c.attrs.getInt("axis", -1), c.rank(0), "axis");
    double eps = c.attrs.getFloat("epsilon", 1e-5);
    List<Value> ins = new ArrayList<>(List.of(c.in(0), c.in(1)));
    if (c.has(2)) {
      ins.add(c.in(2));
    }
    c.define(c.emit("tensor.layer_norm", ins, Attrs.of("axis", axis, "epsilon", eps)));
  }
}
