package onnx2mpc.ir;

/**
 * A compile-time error tied to an IR node, which carries the ONNX node it came from. Messages
 * follow "expected X, but found Y".
 */
public class IrException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Node node;

  public IrException(Node node, String message) {
    super(node == null ? message : message + " (at " + node.describe() + ")");
    this.node = node;
  }

  public IrException(String message) {
    this(null, message);
  }

  public Node node() {
    return node;
  }
}
