package onnx2mpc.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON this project writes and reads (plans, run statistics), without a library.
 * Values are trees of {@link Map} (string keys, order kept), {@link List}, {@code long[]},
 * {@code double[]}, {@link Number}, {@link String}, {@link Boolean} and null. The parser returns
 * numbers as {@link Long} when integral and as {@link Double} otherwise.
 */
public final class Json {
  private Json() {}

  /** Indented JSON text of {@code value}, ending in a newline. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      // JSON has no NaN or infinity; null says "not measured".
      sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof long[] a) {
      List<Object> l = new ArrayList<>(a.length);
      for (long x : a) {
        l.add(x);
      }
      write(sb, l, indent);
    } else if (v instanceof double[] a) {
      List<Object> l = new ArrayList<>(a.length);
      for (double x : a) {
        l.add(x);
      }
      write(sb, l, indent);
    } else if (v instanceof Map<?, ?> m) {
      // Small objects (a layer's row) read best on one line.
      String flat = compact(m);
      if (flat != null && indent * 2 + flat.length() <= LINE) {
        sb.append(flat);
        return;
      }
      sb.append("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "\n" : ",\n");
        first = false;
        pad(sb, indent + 1);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
      }
      sb.append('\n');
      pad(sb, indent);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      // Lists of scalars stay on one line; lists of objects get one line per element.
      boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(flat ? ", " : ",");
        }
        if (!flat) {
          sb.append('\n');
          pad(sb, indent + 1);
        }
        write(sb, l.get(i), indent + 1);
      }
      if (!flat && !l.isEmpty()) {
        sb.append('\n');
        pad(sb, indent);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("expected a JSON value, but found " + v.getClass());
    }
  }

  /** Width up to which an object is written on one line. */
  private static final int LINE = 100;

  /** One-line form of an object whose values are scalars or such objects; null otherwise. */
  private static String compact(Map<?, ?> m) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object v = e.getValue();
      sb.append(first ? "" : ", ");
      first = false;
      quote(sb, String.valueOf(e.getKey()));
      sb.append(": ");
      if (v instanceof Map<?, ?> inner) {
        String c = compact(inner);
        if (c == null) {
          return null;
        }
        sb.append(c);
      } else if (v instanceof List || v instanceof long[] || v instanceof double[]) {
        return null;
      } else {
        write(sb, v, 0);
      }
      if (sb.length() > LINE) {
        return null;
      }
    }
    return sb.append('}').toString();
  }

  private static void pad(StringBuilder sb, int indent) {
    sb.append("  ".repeat(indent));
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Parses JSON text; errors name the offset. */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value();
    p.ws();
    if (p.i != text.length()) {
      throw p.error("end of input");
    }
    return v;
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Object value() {
      if (i >= s.length()) {
        throw error("a value");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            expect(':');
            ws();
            m.put(k, value());
            ws();
            if (peek(',')) {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            i++;
            return l;
          }
          while (true) {
            ws();
            l.add(value());
            ws();
            if (peek(',')) {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          return number();
        }
      }
    }

    private Object number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String t = s.substring(start, i);
      if (t.isEmpty()) {
        throw error("a value");
      }
      try {
        if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
          return Long.parseLong(t);
        }
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        i = start;
        throw error("a number");
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'u' -> {
              if (i + 4 > s.length()) {
                throw error("four hex digits");
              }
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
      expect('"');
      return sb.toString();
    }

    private boolean peek(char c) {
      return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("'" + c + "'");
      }
      i++;
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    IllegalArgumentException error(String expected) {
      String found = i < s.length() ? "'" + s.charAt(i) + "'" : "end of input";
      return new IllegalArgumentException(
          "JSON: expected " + expected + " at offset " + i + ", but found " + found);
    }
  }
}
