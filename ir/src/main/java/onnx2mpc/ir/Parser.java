package onnx2mpc.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text form written by {@link Printer}. Value numbers are renumbered in order of
 * definition; constants printed as {@code <N elements>} read back as zeros. Errors name the line.
 */
public final class Parser {
  private final Graph g = new Graph();
  private final Map<String, Value> values = new HashMap<>();
  private int lineNo;

  private Parser() {}

  public static Graph parse(String text) {
    Parser p = new Parser();
    for (String raw : text.split("\n")) {
      p.lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.equals("graph {") || line.equals("}") || line.startsWith("//")) {
        continue;
      }
      try {
        p.line(line);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + p.lineNo + ": " + e.getMessage()
            + "\n  " + line, e);
      }
    }
    return p.g;
  }

  private void line(String line) {
    if (line.startsWith("property ")) {
      int eq = line.indexOf('=');
      g.properties().put(line.substring(9, eq).strip(),
          (String) parseValue(line.substring(eq + 1).strip()));
    } else if (line.startsWith("input ")) {
      String[] head = splitHead(line.substring(6));
      define(head[0], g.addInput(unquote(head[1]), Type.parse(head[2])));
    } else if (line.startsWith("const ")) {
      int eq = line.lastIndexOf(" = ");
      String[] head = splitHead(line.substring(6, eq));
      Type t = Type.parse(head[2]);
      define(head[0], g.addConstant(unquote(head[1]), data(line.substring(eq + 3).strip(), t), t));
    } else if (line.startsWith("output ")) {
      g.markOutput(use(line.substring(7).strip()));
    } else {
      node(line);
    }
  }

  /** Splits {@code %N "name" : type}. */
  private static String[] splitHead(String s) {
    int sp = s.indexOf(' ');
    int colon = s.lastIndexOf(" : ");
    return new String[] {s.substring(0, sp), s.substring(sp + 1, colon).strip(),
        s.substring(colon + 3).strip()};
  }

  private void node(String line) {
    String origin = null;
    int hash = line.lastIndexOf("  # ");
    if (hash >= 0) {
      origin = line.substring(hash + 4).strip();
      line = line.substring(0, hash);
    }
    int eq = line.indexOf(" = ");
    String[] results = line.substring(0, eq).split(",");
    String rest = line.substring(eq + 3);
    int lp = rest.indexOf('(');
    int rp = rest.indexOf(')');
    String op = rest.substring(0, lp);
    List<Value> ins = new ArrayList<>();
    String args = rest.substring(lp + 1, rp).strip();
    if (!args.isEmpty()) {
      for (String a : args.split(",")) {
        ins.add(use(a.strip()));
      }
    }
    String tail = rest.substring(rp + 1).strip();
    Attrs attrs = Attrs.NONE;
    if (tail.startsWith("{")) {
      int close = matching(tail, 0);
      attrs = attrs(tail.substring(1, close));
      tail = tail.substring(close + 1).strip();
    }
    if (!tail.startsWith(":")) {
      throw new IllegalArgumentException("expected ': <types>', but found '" + tail + "'");
    }
    List<Type> types = new ArrayList<>();
    for (String t : splitTop(tail.substring(1), ',')) {
      types.add(Type.parse(t));
    }
    if (types.size() != results.length) {
      throw new IllegalArgumentException("expected " + results.length + " types, but found "
          + types.size());
    }
    Node n = g.addNode(op, ins, types, attrs, origin);
    for (int i = 0; i < results.length; i++) {
      define(results[i].strip(), n.outputs().get(i));
    }
  }

  private static int matching(String s, int open) {
    int depth = 0;
    boolean inString = false;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && (c == '{' || c == '[')) {
        depth++;
      } else if (!inString && (c == '}' || c == ']')) {
        if (--depth == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unbalanced brackets in '" + s + "'");
  }

  /** Splits at top-level separators (not inside brackets or strings). */
  private static List<String> splitTop(String s, char sep) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && (c == '[' || c == '{')) {
        depth++;
      } else if (!inString && (c == ']' || c == '}')) {
        depth--;
      } else if (!inString && depth == 0 && c == sep) {
        parts.add(s.substring(start, i).strip());
        start = i + 1;
      }
    }
    if (!s.substring(start).isBlank()) {
      parts.add(s.substring(start).strip());
    }
    return parts;
  }

  private static Attrs attrs(String body) {
    Attrs.Builder b = Attrs.builder();
    for (String kv : splitTop(body, ',')) {
      int eq = kv.indexOf('=');
      b.put(kv.substring(0, eq).strip(), parseValue(kv.substring(eq + 1).strip()));
    }
    return b.build();
  }

  private static Object parseValue(String v) {
    if (v.startsWith("\"")) {
      return unquote(v);
    }
    if (v.startsWith("[")) {
      String inner = v.substring(1, v.length() - 1).strip();
      if (inner.isEmpty()) {
        return new long[0];
      }
      String[] parts = inner.split(",");
      if (inner.contains(".") || inner.contains("E") || inner.contains("N") || inner.contains("I")) {
        double[] d = new double[parts.length];
        for (int i = 0; i < d.length; i++) {
          d[i] = Double.parseDouble(parts[i].strip());
        }
        return d;
      }
      long[] l = new long[parts.length];
      for (int i = 0; i < l.length; i++) {
        l[i] = Long.parseLong(parts[i].strip());
      }
      return l;
    }
    if (v.contains(".") || v.contains("E") || v.contains("N") || v.contains("I")) {
      return Double.parseDouble(v);
    }
    return Long.parseLong(v);
  }

  private static String unquote(String s) {
    if (!s.startsWith("\"") || !s.endsWith("\"")) {
      throw new IllegalArgumentException("expected a quoted string, but found " + s);
    }
    return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static Tensor data(String s, Type t) {
    if (s.startsWith("<")) {
      return t.elem() == Elem.INT ? Tensor.ints(t.shape(), new long[t.shape().size()])
          : Tensor.reals(t.shape(), new double[t.shape().size()]);
    }
    if (s.startsWith("int")) {
      Object v = parseValue(s.substring(3));
      return Tensor.ints(t.shape(), (long[]) v);
    }
    if (s.startsWith("real")) {
      Object v = parseValue(s.substring(4));
      double[] d = v instanceof double[] dd ? dd
          : java.util.Arrays.stream((long[]) v).asDoubleStream().toArray();
      return Tensor.reals(t.shape(), d);
    }
    throw new IllegalArgumentException("expected int[..], real[..] or <N elements>, but found " + s);
  }

  private void define(String name, Value v) {
    if (values.put(name, v) != null) {
      throw new IllegalArgumentException(name + " is defined twice");
    }
  }

  private Value use(String name) {
    Value v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("expected " + name + " to be defined, but it is not");
    }
    return v;
  }
}
