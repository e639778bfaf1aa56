package onnx2mpc.frontend;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;

/**
 * What a converter sees of one ONNX node: its inputs as IR values (absent optional inputs are
 * empty names in ONNX), its attributes, the opset, and ways to emit tensor ops and bind the
 * node's outputs.
 */
final class NodeContext {
  final ImportState state;
  final NodeProto node;
  final OnnxAttrs attrs;
  final String origin;

  NodeContext(ImportState state, NodeProto node, String origin) {
    this.state = state;
    this.node = node;
    this.attrs = new OnnxAttrs(node);
    this.origin = origin;
  }

  int opset() {
    return state.opset;
  }

  /** Whether optional input {@code i} is given. */
  boolean has(int i) {
    return i < node.getInputCount() && !node.getInput(i).isEmpty();
  }

  /** The number of inputs, trailing absent ones not counted. */
  int inputCount() {
    int n = node.getInputCount();
    while (n > 0 && node.getInput(n - 1).isEmpty()) {
      n--;
    }
    return n;
  }

  Value in(int i) {
    if (!has(i)) {
      throw new ConversionException(null, "expected input " + i + ", but it is missing");
    }
    Value v = state.lookup(node.getInput(i));
    if (v == null) {
      throw new ConversionException(null, "input '" + node.getInput(i)
          + "' is not produced by any earlier node, initializer or graph input");
    }
    return v;
  }

  Shape shape(int i) {
    return in(i).shape();
  }

  int rank(int i) {
    return shape(i).rank();
  }

  boolean isConstant(int i) {
    return state.isConstant(in(i));
  }

  /**
   * Input {@code i} as compile-time data.
   *
   * @param what what the input means, e.g. "shape", for the error message
   */
  Tensor constant(int i, String what) {
    Value v = in(i);
    if (!state.isConstant(v)) {
      throw new ConversionException("input '" + what + "'", "expected a compile-time constant"
          + " (an initializer or a value computed only from constants and shapes), but '"
          + node.getInput(i) + "' depends on a graph input; supported: constant " + what);
    }
    return state.graph.constant(v);
  }

  long[] constantInts(int i, String what) {
    return constant(i, what).ints();
  }

  /** A constant scalar (or one-element tensor) input. */
  double constantScalar(int i, String what) {
    Tensor t = constant(i, what);
    if (t.size() != 1) {
      throw new ConversionException("input '" + what + "'", "expected a scalar, but found a"
          + " tensor of shape " + t.shape());
    }
    return t.reals()[0];
  }

  /** Emits a single-result tensor op (folded when all operands are constants). */
  Value emit(String op, List<Value> ins, Attrs a) {
    return state.emit(op, ins, a, origin, List.of(outName(0))).get(0);
  }

  Value emit(String op, Value x, Attrs a) {
    return emit(op, List.of(x), a);
  }

  Value emit(String op, Value x) {
    return emit(op, List.of(x), Attrs.NONE);
  }

  /** Emits a multi-result tensor op; results are named after the node's outputs. */
  List<Value> emitAll(String op, List<Value> ins, Attrs a) {
    List<String> names = node.getOutputList().isEmpty() ? List.of(origin) : node.getOutputList();
    return state.emit(op, ins, a, origin, names);
  }

  /** A new constant, named after the node's first output. */
  Value constant(Tensor t, Elem e) {
    return state.constant(outName(0), t, e);
  }

  private String outName(int i) {
    return i < node.getOutputCount() ? node.getOutput(i) : origin;
  }

  int outputCount() {
    return node.getOutputCount();
  }

  /** Whether output {@code i} exists and something reads it. */
  boolean outputUsed(int i) {
    return i < node.getOutputCount() && !node.getOutput(i).isEmpty()
        && state.onnxUses(node.getOutput(i)) > 0;
  }

  /** Rejects a node whose optional outputs from {@code first} on are read. */
  void requireUnusedOutputsFrom(int first, String why) {
    for (int i = first; i < node.getOutputCount(); i++) {
      if (outputUsed(i)) {
        throw new ConversionException(null, "expected output " + i + " ('" + node.getOutput(i)
            + "') to be unused, but it is read; " + why);
      }
    }
  }

  /** Binds ONNX output {@code i} to {@code v}. */
  void define(int i, Value v) {
    if (i < node.getOutputCount() && !node.getOutput(i).isEmpty()) {
      state.bind(node.getOutput(i), v);
    }
  }

  void define(Value v) {
    define(0, v);
  }

  /** A ConversionException for an attribute with the value found and what is supported. */
  static ConversionException unsupported(String attr, Object found, String supported) {
    String f = found instanceof long[] l ? Arrays.toString(l) : found instanceof String s
        ? '"' + s + '"' : String.valueOf(found);
    return new ConversionException(attr, "unsupported value " + f + "; supported: "
        + supported);
  }

  /** Normalizes a possibly negative axis against {@code rank}. */
  static int axis(long axis, int rank, String attr) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= Math.max(rank, 1)) {
      throw new ConversionException(attr, "expected an axis in [" + -rank + ", " + rank
          + "), but found " + axis);
    }
    return (int) a;
  }

  static int[] toInts(long[] l, String attr) {
    int[] r = new int[l.length];
    for (int i = 0; i < r.length; i++) {
      if (l[i] > Integer.MAX_VALUE || l[i] < Integer.MIN_VALUE) {
        throw new ConversionException(attr, "expected values that fit in 32 bits, but found "
            + l[i]);
      }
      r[i] = (int) l[i];
    }
    return r;
  }
}
