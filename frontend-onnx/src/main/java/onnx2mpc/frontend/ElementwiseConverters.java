package onnx2mpc.frontend;

import java.util.List;
import java.util.Map;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;

/** Elementwise ONNX ops, Identity, Dropout and Cast. */
final class ElementwiseConverters {
  private ElementwiseConverters() {}

  static void register(Map<String, Converter> m) {
    Map.of("Add", "add", "Sub", "sub", "Mul", "mul", "Div", "div", "Pow", "pow",
        "Greater", "greater", "Less", "less", "Equal", "equal")
        .forEach((onnx, op) -> m.put(onnx, c -> c.define(c.emit("tensor." + op,
            List.of(c.in(0), c.in(1)), Attrs.NONE))));
    Map.of("Neg", "neg", "Abs", "abs", "Sign", "sign", "Relu", "relu", "Sigmoid", "sigmoid",
        "Tanh", "tanh", "Exp", "exp", "Log", "log", "Sqrt", "sqrt", "Reciprocal", "reciprocal")
        .forEach((onnx, op) -> m.put(onnx, c -> c.define(c.emit("tensor." + op, c.in(0)))));
    m.put("Erf", c -> c.define(c.emit("tensor.erf", c.in(0))));
    for (String v : List.of("Sum", "Max", "Min")) {
      m.put(v, c -> variadic(c, "tensor." + v.toLowerCase(java.util.Locale.ROOT)));
    }
    m.put("LeakyRelu", c -> c.define(c.emit("tensor.leaky_relu", c.in(0),
        Attrs.of("alpha", c.attrs.getFloat("alpha", 0.01)))));
    m.put("Clip", ElementwiseConverters::clip);
    m.put("Where", c -> c.define(c.emit("tensor.where", List.of(c.in(0), c.in(1), c.in(2)),
        Attrs.NONE)));
    m.put("Identity", c -> c.define(c.in(0)));
    m.put("Dropout", ElementwiseConverters::dropout);
    m.put("Cast", ElementwiseConverters::cast);
  }

  private static void variadic(NodeContext c, String op) {
    int n = c.inputCount();
    if (n == 1) {
      c.define(c.in(0));
      return;
    }
    List<Value> ins = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ins.add(c.in(i));
    }
    c.define(c.emit(op, ins, Attrs.NONE));
  }

  /** Clip bounds are attributes before opset 11 and optional constant inputs since. */
  private static void clip(NodeContext c) {
    double lo = c.attrs.getFloat("min", Double.NEGATIVE_INFINITY);
    double hi = c.attrs.getFloat("max", Double.POSITIVE_INFINITY);
    if (c.has(1)) {
      lo = c.constantScalar(1, "min");
    }
    if (c.has(2)) {
      hi = c.constantScalar(2, "max");
    }
    c.define(c.emit("tensor.clip", c.in(0), Attrs.of("min", lo, "max", hi)));
  }

  /** Inference-mode dropout is the identity; the mask output and training mode are not. */
  private static void dropout(NodeContext c) {
    if (c.has(2) && c.constantScalar(2, "training_mode") != 0) {
      throw new ConversionException("input 'training_mode'", "expected inference mode"
          + " (training_mode = false), but found true");
    }
    if (c.attrs.getInt("is_test", 1) == 0) {
      throw NodeContext.unsupported("is_test", 0, "1 (inference)");
    }
    c.requireUnusedOutputsFrom(1, "the dropout mask exists only in training");
    c.define(c.in(0));
  }

  /**
   * A cast of constant data is folded; between float types (or between integer types) it is
   * dropped, since fixed-point values have one representation whatever the ONNX float width.
   */
  private static void cast(NodeContext c) {
    int to = (int) c.attrs.getInt("to");
    Value x = c.in(0);
    if (c.isConstant(0)) {
      Elem e = OnnxTensors.elemOf(to);
      if (e == null) {
        throw NodeContext.unsupported("to", OnnxTensors.typeName(to), "float, integer and bool"
            + " types");
      }
      Tensor t = OnnxTensors.cast(c.state.graph.constant(x), to);
      c.define(c.constant(t, e));
      return;
    }
    Elem from = x.type().elem();
    if ((from == Elem.FIXED && OnnxTensors.isFloat(to))
        || (from == Elem.INT && OnnxTensors.isInteger(to))) {
      c.define(x);
      return;
    }
    throw NodeContext.unsupported("to", OnnxTensors.typeName(to), "on run-time values, casts"
        + " between float types (or between integer types); this casts a " + from + " value");
  }
}
