package onnx2mpc.ir;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text form of a graph, used by golden tests and {@code --dump-after}. {@link Parser}
 * reads it back. Constants of up to {@value #INLINE_LIMIT} elements are printed in full; larger
 * ones print as {@code <N elements>} and parse back as zeros.
 */
public final class Printer {
  public static final int INLINE_LIMIT = 16;

  private Printer() {}

  public static String print(Graph g) {
    StringBuilder sb = new StringBuilder("graph {\n");
    for (Map.Entry<String, String> p : g.properties().entrySet()) {
      sb.append("  property ").append(p.getKey()).append(" = ")
          .append(Attrs.format(p.getValue())).append('\n');
    }
    for (Value in : g.inputs()) {
      sb.append("  input ").append(in).append(' ').append(quote(in.name()))
          .append(" : ").append(in.type()).append('\n');
    }
    for (Map.Entry<Value, Tensor> c : g.constants().entrySet()) {
      Value v = c.getKey();
      sb.append("  const ").append(v).append(' ').append(quote(v.name()))
          .append(" : ").append(v.type()).append(" = ").append(data(c.getValue())).append('\n');
    }
    for (Node n : g.nodes()) {
      sb.append("  ").append(node(n)).append('\n');
    }
    for (Value out : g.outputs()) {
      sb.append("  output ").append(out).append('\n');
    }
    return sb.append("}\n").toString();
  }

  public static String node(Node n) {
    StringBuilder sb = new StringBuilder();
    sb.append(n.outputs().stream().map(Value::toString).collect(Collectors.joining(", ")));
    sb.append(" = ").append(n.op()).append('(');
    sb.append(n.inputs().stream().map(Value::toString).collect(Collectors.joining(", ")));
    sb.append(')');
    if (!n.attrs().asMap().isEmpty()) {
      sb.append(' ').append(n.attrs());
    }
    sb.append(" : ");
    sb.append(n.outputs().stream().map(v -> v.type().toString()).collect(Collectors.joining(", ")));
    if (n.origin() != null) {
      sb.append("  # ").append(n.origin());
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return Attrs.format(s == null ? "" : s);
  }

  private static String data(Tensor t) {
    if (t.size() > INLINE_LIMIT) {
      return "<" + t.size() + " elements>";
    }
    String body = t.isInt() ? Arrays.toString(t.ints()) : Arrays.toString(t.reals());
    return (t.isInt() ? "int" : "real") + body.replace(" ", "");
  }
}
