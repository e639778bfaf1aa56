package onnx2mpc.ir;

/** An SSA value: defined once, by a node or as a graph input, with a static type. */
public final class Value {
  private final int id;
  private Type type;
  private final String name;
  Node def;

  Value(int id, Type type, String name) {
    this.id = id;
    this.type = type;
    this.name = name;
  }

  public int id() {
    return id;
  }

  public Type type() {
    return type;
  }

  /** Retypes a value in place; used by passes that refine visibility or shape. */
  public void setType(Type t) {
    this.type = t;
  }

  /** The ONNX tensor name this value came from, or null. */
  public String name() {
    return name;
  }

  /** The defining node, or null for graph inputs and constants. */
  public Node def() {
    return def;
  }

  public Shape shape() {
    return type.shape();
  }

  public Vis vis() {
    return type.vis();
  }

  @Override
  public String toString() {
    return "%" + id;
  }
}
