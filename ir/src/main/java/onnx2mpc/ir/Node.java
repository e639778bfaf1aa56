package onnx2mpc.ir;

import java.util.List;

/**
 * One operation in the graph. {@code op} is dialect-qualified ({@code tensor.conv},
 * {@code mpc.open}); {@code origin} names the ONNX node it was lowered from, so that every
 * error, plan line and metric can point back at the user's model.
 */
public final class Node {
  private final String op;
  private final List<Value> inputs;
  private final List<Value> outputs;
  private final Attrs attrs;
  private final String origin;

  Node(String op, List<Value> inputs, List<Value> outputs, Attrs attrs, String origin) {
    this.op = op;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.attrs = attrs;
    this.origin = origin;
  }

  public String op() {
    return op;
  }

  public List<Value> inputs() {
    return inputs;
  }

  public Value input(int i) {
    return inputs.get(i);
  }

  public List<Value> outputs() {
    return outputs;
  }

  public Value output() {
    return outputs.get(0);
  }

  public Attrs attrs() {
    return attrs;
  }

  public String origin() {
    return origin;
  }

  public String describe() {
    return op + (origin == null ? "" : " from ONNX node '" + origin + "'");
  }

  @Override
  public String toString() {
    return describe();
  }
}
