package onnx2mpc.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.interp.ShapeInference;

/**
 * Ops about shapes. Shapes are static, so Shape, Size, ConstantOfShape, Range and Constant
 * always become constants; Flatten, Squeeze and Unsqueeze become tensor.reshape.
 */
final class ShapeConverters {
  private ShapeConverters() {}

  static void register(Map<String, Converter> m) {
    m.put("Constant", ShapeConverters::constant);
    m.put("Shape", ShapeConverters::shape);
    m.put("Size", c -> c.define(c.constant(Tensor.ints(Shape.SCALAR,
        new long[] {c.shape(0).size()}), Elem.INT)));
    m.put("ConstantOfShape", ShapeConverters::constantOfShape);
    m.put("Range", ShapeConverters::range);
    m.put("Reshape", ShapeConverters::reshape);
    m.put("Flatten", ShapeConverters::flatten);
    m.put("Squeeze", ShapeConverters::squeeze);
    m.put("Unsqueeze", ShapeConverters::unsqueeze);
    m.put("Transpose", ShapeConverters::transpose);
    m.put("Concat", ShapeConverters::concat);
    m.put("Expand", ShapeConverters::expand);
  }

  private static void constant(NodeContext c) {
    Tensor t = c.attrs.getTensor("value");
    Elem e;
    if (t != null) {
      e = OnnxTensors.elemOf(c.attrs.tensorType("value"));
    } else if (c.attrs.has("value_float")) {
      t = Tensor.scalar(c.attrs.getFloat("value_float", 0));
      e = Elem.FIXED;
    } else if (c.attrs.has("value_floats")) {
      double[] d = c.attrs.getFloats("value_floats");
      t = Tensor.reals(Shape.of(d.length), d);
      e = Elem.FIXED;
    } else if (c.attrs.has("value_int")) {
      t = Tensor.ints(Shape.SCALAR, new long[] {c.attrs.getInt("value_int")});
      e = Elem.INT;
    } else if (c.attrs.has("value_ints")) {
      long[] l = c.attrs.getInts("value_ints", null);
      t = Tensor.ints(Shape.of(l.length), l);
      e = Elem.INT;
    } else {
      String attr = c.attrs.names().iterator().hasNext() ? c.attrs.names().iterator().next()
          : "value";
      throw NodeContext.unsupported(attr, attr, "value (float, integer or bool tensor),"
          + " value_float, value_floats, value_int, value_ints");
    }
    c.define(c.constant(t, e));
  }

  /** Shape, with the start/end attributes of opset 15 (clamped like slice bounds). */
  private static void shape(NodeContext c) {
    int[] d = c.shape(0).dims();
    int r = d.length;
    long start = c.attrs.getInt("start", 0);
    long end = c.attrs.getInt("end", r);
    start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
    end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
    long[] out = new long[(int) Math.max(0, end - start)];
    for (int i = 0; i < out.length; i++) {
      out[i] = d[(int) start + i];
    }
    c.define(c.constant(Tensor.ints(Shape.of(out.length), out), Elem.INT));
  }

  private static void constantOfShape(NodeContext c) {
    Shape s = Shape.of(c.constantInts(0, "shape"));
    Tensor v = c.attrs.getTensor("value");
    Elem e = v == null ? Elem.FIXED : OnnxTensors.elemOf(c.attrs.tensorType("value"));
    if (v != null && v.size() != 1) {
      throw new ConversionException("value", "expected a one-element tensor, but found shape "
          + v.shape());
    }
    Tensor t;
    if (e == Elem.FIXED) {
      double[] d = new double[s.size()];
      Arrays.fill(d, v == null ? 0 : v.reals()[0]);
      t = Tensor.reals(s, d);
    } else {
      long[] l = new long[s.size()];
      Arrays.fill(l, v.ints()[0]);
      t = Tensor.ints(s, l);
    }
    c.define(c.constant(t, e));
  }

  private static void range(NodeContext c) {
    Tensor start = c.constant(0, "start");
    Tensor limit = c.constant(1, "limit");
    Tensor delta = c.constant(2, "delta");
    double s = start.reals()[0];
    double l = limit.reals()[0];
    double d = delta.reals()[0];
    if (d == 0) {
      throw new ConversionException("input 'delta'", "expected a non-zero delta, but found 0");
    }
    int n = (int) Math.max(0, Math.ceil((l - s) / d));
    if (start.isInt()) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = start.ints()[0] + i * delta.ints()[0];
      }
      c.define(c.constant(Tensor.ints(Shape.of(n), out), Elem.INT));
    } else {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = s + i * d;
      }
      c.define(c.constant(Tensor.reals(Shape.of(n), out), Elem.FIXED));
    }
  }

  /** Emits a reshape unless the shape is unchanged. */
  static Value reshapeTo(NodeContext c, Value x, int[] dims) {
    if (Arrays.equals(x.shape().dims(), dims)) {
      return x;
    }
    return c.emit("tensor.reshape", x, Attrs.of("shape", dims));
  }

  /** Reshape: 0 copies the input dim (unless allowzero), -1 takes what is left. */
  private static void reshape(NodeContext c) {
    Shape x = c.shape(0);
    long[] want = c.constantInts(1, "shape");
    boolean allowZero = c.attrs.getInt("allowzero", 0) != 0;
    int[] out = new int[want.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < want.length; i++) {
      long w = want[i];
      if (w == 0 && !allowZero) {
        if (i >= x.rank()) {
          throw new ConversionException("input 'shape'", "expected 0 only where the input has"
              + " a dim to copy, but found it at position " + i + " for input " + x);
        }
        w = x.dim(i);
      }
      if (w == -1) {
        if (infer >= 0) {
          throw new ConversionException("input 'shape'", "expected at most one -1, but found "
              + Arrays.toString(want));
        }
        infer = i;
        continue;
      }
      if (w < 0) {
        throw new ConversionException("input 'shape'", "expected dims >= -1, but found "
            + Arrays.toString(want));
      }
      out[i] = (int) w;
      known *= w;
    }
    if (infer >= 0) {
      if (known == 0 || x.size() % known != 0) {
        throw new ConversionException("input 'shape'", "expected a shape whose -1 can be"
            + " resolved for " + x + ", but found " + Arrays.toString(want));
      }
      out[infer] = (int) (x.size() / known);
    }
    c.define(reshapeTo(c, c.in(0), out));
  }

  private static void flatten(NodeContext c) {
    Shape x = c.shape(0);
    int axis = (int) c.attrs.getInt("axis", 1);
    axis = axis < 0 ? axis + x.rank() : axis;
    if (axis < 0 || axis > x.rank()) {
      throw new ConversionException("axis", "expected an axis in [" + -x.rank() + ", "
          + x.rank() + "], but found " + c.attrs.getInt("axis", 1));
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= x.dim(i);
    }
    c.define(reshapeTo(c, c.in(0), new int[] {outer, x.size() / Math.max(1, outer)}));
  }

  /** Axes from the attribute (before opset 13) or the optional constant input (since). */
  static long[] axes(NodeContext c, int input) {
    if (c.has(input)) {
      return c.constantInts(input, "axes");
    }
    return c.attrs.getInts("axes", null);
  }

  private static void squeeze(NodeContext c) {
    Shape x = c.shape(0);
    long[] axes = axes(c, 1);
    boolean[] drop = new boolean[x.rank()];
    if (axes == null) {
      for (int i = 0; i < x.rank(); i++) {
        drop[i] = x.dim(i) == 1;
      }
    } else {
      for (long a : axes) {
        int ax = NodeContext.axis(a, x.rank(), "axes");
        if (x.dim(ax) != 1) {
          throw new ConversionException("axes", "expected axis " + a + " to have size 1, but"
              + " found " + x.dim(ax) + " in " + x);
        }
        drop[ax] = true;
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      if (!drop[i]) {
        out.add(x.dim(i));
      }
    }
    c.define(reshapeTo(c, c.in(0), out.stream().mapToInt(Integer::intValue).toArray()));
  }

  private static void unsqueeze(NodeContext c) {
    Shape x = c.shape(0);
    long[] axes = axes(c, 1);
    if (axes == null) {
      throw new ConversionException("axes", "expected axes (attribute before opset 13, input"
          + " since), but found none");
    }
    int r = x.rank() + axes.length;
    boolean[] insert = new boolean[r];
    for (long a : axes) {
      int ax = NodeContext.axis(a, r, "axes");
      if (insert[ax]) {
        throw new ConversionException("axes", "expected distinct axes, but found "
            + Arrays.toString(axes));
      }
      insert[ax] = true;
    }
    int[] out = new int[r];
    int k = 0;
    for (int i = 0; i < r; i++) {
      out[i] = insert[i] ? 1 : x.dim(k++);
    }
    c.define(reshapeTo(c, c.in(0), out));
  }

  private static void transpose(NodeContext c) {
    int r = c.rank(0);
    long[] perm = c.attrs.getInts("perm", null);
    if (perm != null && perm.length != r) {
      throw new ConversionException("perm", "expected " + r + " entries, but found "
          + Arrays.toString(perm));
    }
    int[] p = new int[r];
    for (int i = 0; i < r; i++) {
      p[i] = perm == null ? r - 1 - i : NodeContext.axis(perm[i], r, "perm");
    }
    boolean identity = true;
    for (int i = 0; i < r; i++) {
      identity &= p[i] == i;
    }
    c.define(identity ? c.in(0) : c.emit("tensor.transpose", c.in(0), Attrs.of("perm", p)));
  }

  private static void concat(NodeContext c) {
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < c.inputCount(); i++) {
      ins.add(c.in(i));
    }
    int axis = NodeContext.axis(c.attrs.getInt("axis"), ins.get(0).shape().rank(), "axis");
    c.define(ins.size() == 1 ? ins.get(0)
        : c.emit("tensor.concat", ins, Attrs.of("axis", axis)));
  }

  private static void expand(NodeContext c) {
    Shape x = c.shape(0);
    Shape want = Shape.of(c.constantInts(1, "shape"));
    Shape out;
    try {
      out = ShapeInference.broadcast(List.of(x, want));
    } catch (IllegalArgumentException e) {
      throw new ConversionException("input 'shape'", e.getMessage());
    }
    c.define(out.equals(x) ? c.in(0)
        : c.emit("tensor.expand", c.in(0), Attrs.of("shape", out.dims())));
  }
}
