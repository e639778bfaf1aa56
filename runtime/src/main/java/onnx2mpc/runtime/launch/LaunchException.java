package onnx2mpc.runtime.launch;

/**
 * A problem the user can fix (a missing input, a wrong shape, a bad option): its message is
 * the whole explanation and is printed without a stack trace, after "party K: ".
 */
public class LaunchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
