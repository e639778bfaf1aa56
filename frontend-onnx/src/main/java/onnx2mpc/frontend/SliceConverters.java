package onnx2mpc.frontend;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;

/** Slice, Split, Gather and Pad: the ops whose positions and sizes must be resolved. */
final class SliceConverters {
  private SliceConverters() {}

  static void register(Map<String, Converter> m) {
    m.put("Slice", SliceConverters::slice);
    m.put("Split", SliceConverters::split);
    m.put("Gather", SliceConverters::gather);
    m.put("Pad", SliceConverters::pad);
  }

  /**
   * Slice with starts/ends/axes/steps from inputs (opset 10+) or attributes (before), resolved
   * for every axis: negative positions count from the end, then starts are clamped to [0, dim]
   * ([0, dim-1] for negative steps) and ends to [0, dim] ([-1, dim-1]), per the ONNX spec.
   */
  private static void slice(NodeContext c) {
    Shape x = c.shape(0);
    int r = x.rank();
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (c.inputCount() > 1) {
      starts = c.constantInts(1, "starts");
      ends = c.constantInts(2, "ends");
      axes = c.has(3) ? c.constantInts(3, "axes") : null;
      steps = c.has(4) ? c.constantInts(4, "steps") : null;
    } else {
      starts = c.attrs.getInts("starts", null);
      ends = c.attrs.getInts("ends", null);
      axes = c.attrs.getInts("axes", null);
      if (starts == null || ends == null) {
        throw new ConversionException("starts", "expected starts and ends (inputs since opset"
            + " 10, attributes before), but found none");
      }
    }
    int n = starts.length;
    if (ends.length != n || (axes != null && axes.length != n)
        || (steps != null && steps.length != n)) {
      throw new ConversionException("input 'ends'", "expected starts, ends, axes and steps of"
          + " equal length, but found " + n + ", " + ends.length
          + (axes == null ? "" : ", " + axes.length) + (steps == null ? "" : ", " + steps.length));
    }
    int[] st = new int[r];
    int[] en = x.dims();
    int[] sp = new int[r];
    int[] ax = new int[r];
    Arrays.fill(sp, 1);
    boolean[] seen = new boolean[r];
    for (int a = 0; a < r; a++) {
      ax[a] = a;
    }
    for (int i = 0; i < n; i++) {
      int a = NodeContext.axis(axes == null ? i : axes[i], r, "axes");
      if (seen[a]) {
        throw new ConversionException("axes", "expected distinct axes, but found "
            + Arrays.toString(axes));
      }
      seen[a] = true;
      long step = steps == null ? 1 : steps[i];
      if (step == 0 || Math.abs(step) > Integer.MAX_VALUE) {
        throw new ConversionException("steps", "expected non-zero steps, but found " + step);
      }
      long dim = x.dim(a);
      long s = starts[i] < 0 ? starts[i] + dim : starts[i];
      long e = ends[i] < 0 ? ends[i] + dim : ends[i];
      if (step > 0) {
        s = clamp(s, 0, dim);
        e = clamp(e, 0, dim);
      } else {
        s = clamp(s, 0, dim - 1);
        e = clamp(e, -1, dim - 1);
      }
      st[a] = (int) s;
      en[a] = (int) e;
      sp[a] = (int) step;
    }
    boolean identity = true;
    for (int a = 0; a < r; a++) {
      identity &= st[a] == 0 && en[a] == x.dim(a) && sp[a] == 1;
    }
    c.define(identity ? c.in(0) : c.emit("tensor.slice", c.in(0),
        Attrs.of("starts", st, "ends", en, "axes", ax, "steps", sp)));
  }

  private static long clamp(long v, long lo, long hi) {
    // Saturating: PyTorch writes INT64_MAX for "to the end", and v + dim must not overflow.
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * Split sizes from the input (opset 13+), the attribute (before), or equal parts: one per
   * output, the last smaller when the axis does not divide (opset 18 num_outputs).
   */
  private static void split(NodeContext c) {
    Shape x = c.shape(0);
    int axis = NodeContext.axis(c.attrs.getInt("axis", 0), x.rank(), "axis");
    long[] sizes = c.has(1) ? c.constantInts(1, "split") : c.attrs.getInts("split", null);
    if (sizes == null) {
      int parts = (int) c.attrs.getInt("num_outputs", c.outputCount());
      int dim = x.dim(axis);
      int chunk = (dim + parts - 1) / parts;
      sizes = new long[parts];
      for (int i = 0; i < parts; i++) {
        sizes[i] = Math.max(0, Math.min(chunk, dim - (long) chunk * i));
      }
    }
    if (sizes.length != c.outputCount()) {
      throw new ConversionException("split", "expected one size per output ("
          + c.outputCount() + "), but found " + Arrays.toString(sizes));
    }
    List<Value> outs = c.emitAll("tensor.split", List.of(c.in(0)),
        Attrs.of("axis", axis, "split", sizes));
    for (int i = 0; i < outs.size(); i++) {
      c.define(i, outs.get(i));
    }
  }

  /** Gather with compile-time indices (negative ones count from the end). */
  private static void gather(NodeContext c) {
    Shape x = c.shape(0);
    int axis = NodeContext.axis(c.attrs.getInt("axis", 0), x.rank(), "axis");
    Tensor idx = c.constant(1, "indices");
    long dim = x.dim(axis);
    long[] ix = idx.ints().clone();
    for (int i = 0; i < ix.length; i++) {
      long v = ix[i] < 0 ? ix[i] + dim : ix[i];
      if (v < 0 || v >= dim) {
        throw new ConversionException("input 'indices'", "expected indices in [" + -dim + ", "
            + dim + "), but found " + ix[i]);
      }
      ix[i] = v;
    }
    c.define(c.emit("tensor.gather", c.in(0),
        Attrs.of("axis", axis, "indices", Tensor.ints(idx.shape(), ix))));
  }

  /**
   * Constant-mode Pad. Pads come from the input (opset 11+) or the attribute (before), may be
   * limited to some axes (opset 18), and may be negative, which crops: that part becomes a
   * tensor.slice so that tensor.pad only ever adds.
   */
  private static void pad(NodeContext c) {
    String mode = c.attrs.getString("mode", "constant");
    if (!mode.equals("constant")) {
      throw NodeContext.unsupported("mode", mode, "constant");
    }
    Shape x = c.shape(0);
    int r = x.rank();
    long[] given = c.has(1) ? c.constantInts(1, "pads") : c.attrs.getInts("pads", null);
    if (given == null) {
      throw new ConversionException("pads", "expected pads (input since opset 11, attribute"
          + " before), but found none");
    }
    double value = c.has(2) ? c.constantScalar(2, "constant_value")
        : c.attrs.getFloat("value", 0);
    long[] axes = c.has(3) ? c.constantInts(3, "axes") : null;
    int na = axes == null ? r : axes.length;
    if (given.length != 2 * na) {
      throw new ConversionException("pads", "expected " + 2 * na + " values (begins then ends),"
          + " but found " + Arrays.toString(given));
    }
    int[] pads = new int[2 * r];
    for (int i = 0; i < na; i++) {
      int a = axes == null ? i : NodeContext.axis(axes[i], r, "axes");
      pads[a] = Math.toIntExact(given[i]);
      pads[a + r] = Math.toIntExact(given[i + na]);
    }
    Value v = c.in(0);
    boolean crop = false;
    int[] st = new int[r];
    int[] en = x.dims();
    int[] one = new int[r];
    int[] ax = new int[r];
    for (int a = 0; a < r; a++) {
      ax[a] = a;
      one[a] = 1;
      if (pads[a] < 0) {
        st[a] = Math.min(x.dim(a), -pads[a]);
        pads[a] = 0;
        crop = true;
      }
      if (pads[a + r] < 0) {
        en[a] = Math.max(st[a], x.dim(a) + pads[a + r]);
        pads[a + r] = 0;
        crop = true;
      }
    }
    if (crop) {
      v = c.emit("tensor.slice", v, Attrs.of("starts", st, "ends", en, "axes", ax,
          "steps", one));
    }
    if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
      v = c.emit("tensor.pad", v, Attrs.of("pads", pads, "value", value));
    }
    c.define(v);
  }
}
