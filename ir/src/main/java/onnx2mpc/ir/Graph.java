package onnx2mpc.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SSA graph: inputs, constants (values whose data is known at compile time), nodes in
 * topological order, and outputs. The same class holds both dialects; a pass usually builds a
 * new graph from an old one.
 */
public final class Graph {
  private final List<Value> inputs = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Value, Tensor> constants = new LinkedHashMap<>();
  private final Map<String, String> properties = new LinkedHashMap<>();
  private int nextId;

  /** Graph-wide facts such as the party count or the fixed-point precision. */
  public Map<String, String> properties() {
    return properties;
  }

  public int intProperty(String key, int dflt) {
    String v = properties.get(key);
    return v == null ? dflt : Integer.parseInt(v);
  }

  public Value newValue(Type type, String name) {
    return new Value(nextId++, type, name);
  }

  public Value addInput(String name, Type type) {
    Value v = newValue(type, name);
    inputs.add(v);
    return v;
  }

  public Value addConstant(String name, Tensor data, Type type) {
    if (!data.shape().equals(type.shape())) {
      throw new IllegalArgumentException("constant '" + name + "': expected shape "
          + type.shape() + ", but found " + data.shape());
    }
    Value v = newValue(type, name);
    constants.put(v, data);
    return v;
  }

  /** Appends a node with one output of the given type and returns that output. */
  public Value add(String op, List<Value> ins, Type outType, Attrs attrs, String origin) {
    return addNode(op, ins, List.of(outType), attrs, origin).output();
  }

  public Node addNode(String op, List<Value> ins, List<Type> outTypes, Attrs attrs, String origin) {
    for (Value in : ins) {
      if (in == null) {
        throw new IllegalArgumentException("null operand for " + op + " from '" + origin + "'");
      }
    }
    List<Value> outs = new ArrayList<>(outTypes.size());
    for (Type t : outTypes) {
      outs.add(newValue(t, null));
    }
    Node n = new Node(op, ins, outs, attrs == null ? Attrs.NONE : attrs, origin);
    for (Value o : outs) {
      o.def = n;
    }
    nodes.add(n);
    return n;
  }

  public void markOutput(Value v) {
    outputs.add(v);
  }

  public void replaceOutput(int index, Value v) {
    outputs.set(index, v);
  }

  public List<Value> inputs() {
    return Collections.unmodifiableList(inputs);
  }

  public List<Value> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public Map<Value, Tensor> constants() {
    return Collections.unmodifiableMap(constants);
  }

  public boolean isConstant(Value v) {
    return constants.containsKey(v);
  }

  public Tensor constant(Value v) {
    return constants.get(v);
  }

  /** Removes nodes whose outputs are never used and that are not graph outputs. */
  public void removeDeadNodes() {
    boolean changed = true;
    while (changed) {
      Map<Value, Integer> uses = useCounts();
      changed = nodes.removeIf(n -> n.outputs().stream()
          .allMatch(o -> uses.getOrDefault(o, 0) == 0 && !outputs.contains(o)));
    }
    Map<Value, Integer> uses = useCounts();
    constants.keySet().removeIf(c -> uses.getOrDefault(c, 0) == 0 && !outputs.contains(c));
  }

  /** How many node operands refer to each value. */
  public Map<Value, Integer> useCounts() {
    Map<Value, Integer> uses = new IdentityHashMap<>();
    for (Node n : nodes) {
      for (Value in : n.inputs()) {
        uses.merge(in, 1, Integer::sum);
      }
    }
    return uses;
  }

  /** The nodes that use each value, in program order. */
  public Map<Value, List<Node>> users() {
    Map<Value, List<Node>> users = new HashMap<>();
    for (Node n : nodes) {
      for (Value in : n.inputs()) {
        users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    return users;
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
