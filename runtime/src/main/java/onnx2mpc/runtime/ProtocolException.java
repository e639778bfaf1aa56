package onnx2mpc.runtime;

/** A run cannot go on: a peer is lost, a message is malformed, a deadline passed. */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
