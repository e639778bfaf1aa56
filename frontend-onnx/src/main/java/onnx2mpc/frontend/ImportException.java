package onnx2mpc.frontend;

import java.util.List;

/**
 * An ONNX model that cannot be imported. The message lists every problem found, one per line
 * (each naming the ONNX node, its op type, the opset and the attribute at fault), followed by
 * the supported op types; {@link #problems()} gives the same lines one by one.
 */
public final class ImportException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  /** An exception for {@code problems} (at least one), with the heading and footer given. */
  ImportException(String heading, List<String> problems, String footer) {
    super(format(heading, problems, footer));
    this.problems = List.copyOf(problems);
  }

  /** A single problem that is not about a node (unreadable file, bad protobuf). */
  ImportException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  /** The problems, one line each, in model order. */
  public List<String> problems() {
    return problems;
  }

  private static String format(String heading, List<String> problems, String footer) {
    StringBuilder sb = new StringBuilder(heading);
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    if (footer != null) {
      sb.append('\n').append(footer);
    }
    return sb.toString();
  }
}
