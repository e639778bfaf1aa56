package onnx2mpc.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.ir.interp.ShapeInference;

/**
 * The graph being built and the map from ONNX tensor names to IR values. {@link #emit} is the
 * single place where tensor ops enter the graph: it infers result types and folds the op at
 * import time when every operand is a constant.
 */
final class ImportState {
  final Graph graph = new Graph();
  final int opset;
  private final Map<String, Value> values = new HashMap<>();
  /** How many ONNX node inputs and graph outputs name each tensor. */
  private final Map<String, Integer> onnxUses;
  /** The same, summed over the names bound to each value (an alias counts its own uses). */
  private final Map<Value, Integer> valueUses = new IdentityHashMap<>();

  ImportState(int opset, Map<String, Integer> onnxUses) {
    this.opset = opset;
    this.onnxUses = onnxUses;
  }

  /** The value bound to an ONNX tensor name, or null. */
  Value lookup(String name) {
    return values.get(name);
  }

  void bind(String name, Value v) {
    values.put(name, v);
    valueUses.merge(v, onnxUses.getOrDefault(name, 0), Integer::sum);
  }

  /** ONNX-level uses of a tensor name (node inputs and graph outputs). */
  int onnxUses(String name) {
    return onnxUses.getOrDefault(name, 0);
  }

  /**
   * Upper bound on the consumers of a value over the whole ONNX graph, including those not yet
   * converted; 1 means the node asking is its only consumer.
   */
  int uses(Value v) {
    return valueUses.getOrDefault(v, 0);
  }

  static Type typeOf(Shape s, Elem e) {
    return switch (e) {
      case FIXED -> Type.fixed(s, 0, Vis.PUBLIC);
      case INT -> Type.integer(s, Vis.PUBLIC);
      case BIT -> Type.bits(s, Vis.PUBLIC);
    };
  }

  /** Adds a constant; its data is converted to reals for FIXED and to integers otherwise. */
  Value constant(String name, Tensor t, Elem e) {
    Tensor data = t;
    if (e == Elem.FIXED && t.isInt()) {
      data = Tensor.reals(t.shape(), t.reals());
    } else if (e != Elem.FIXED && !t.isInt()) {
      data = Tensor.ints(t.shape(), t.ints());
    }
    return graph.addConstant(name, data, typeOf(t.shape(), e));
  }

  boolean isConstant(Value v) {
    return graph.isConstant(v);
  }

  /**
   * Adds {@code op} to the graph, or, when every operand is a constant, evaluates it and adds
   * its results as constants named {@code names} (one per result; the last name repeats).
   *
   * @throws ConversionException when the operands do not fit the op (shape inference failed)
   */
  List<Value> emit(String op, List<Value> ins, Attrs attrs, String origin, List<String> names) {
    List<Shape> shapes = new ArrayList<>(ins.size());
    List<Elem> elems = new ArrayList<>(ins.size());
    boolean allConst = true;
    for (Value v : ins) {
      shapes.add(v.shape());
      elems.add(v.type().elem());
      allConst &= isConstant(v);
    }
    List<Shape> outShapes;
    try {
      outShapes = ShapeInference.infer(op, shapes, attrs);
    } catch (IllegalArgumentException e) {
      throw new ConversionException(null, e.getMessage());
    }
    Elem elem = ShapeInference.resultElem(op, elems);
    List<Value> outs = new ArrayList<>(outShapes.size());
    if (allConst) {
      List<Tensor> args = ins.stream().map(graph::constant).toList();
      List<Tensor> res;
      try {
        res = Interpreter.eval(op, args, attrs);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new ConversionException(null, "folding the constant " + op + " failed: "
            + e.getMessage());
      }
      for (int i = 0; i < res.size(); i++) {
        String name = names.get(Math.min(i, names.size() - 1));
        outs.add(constant(name, res.get(i), elem));
      }
      return outs;
    }
    List<Type> types = outShapes.stream().map(s -> typeOf(s, elem)).toList();
    Node n = graph.addNode(op, ins, types, attrs, origin);
    return n.outputs();
  }
}
