package onnx2mpc.runtime.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The text form of {@link ProgramInfo}: one record per line, fields separated by spaces,
 * {@code #} comment lines and blank lines ignored.
 *
 * <pre>
 * parties N
 * party K                                  (absent in dealer.jar)
 * precision F
 * digest HEX
 * class CLASSNAME                          (the generated program class)
 * rounds R
 * input ID NAME OWNER SCALE REAL DIMS      (REAL 0|1; DIMS "1,3,224,224", "-" for a scalar)
 * output INDEX NAME SCALE TOMASK DIMS      (TOMASK: bit p set = revealed to party p)
 * const ID NAME OWNER WORDS                (OWNER -1 = public; data in onnx2mpc/const/ID.bin)
 * layer INDEX NAME OPTYPE
 * </pre>
 *
 * Strings (names, class, op type, digest) are percent-encoded: '%', control characters, space
 * and DEL become %XX of their UTF-8 bytes; the empty string is written "-" and a literal "-"
 * as %2D, so that every field is one non-empty token.
 */
final class ProgramText {
  private ProgramText() {}

  static String write(ProgramInfo p) {
    StringBuilder sb = new StringBuilder("# onnx2mpc program description\n");
    sb.append("parties ").append(p.parties()).append('\n');
    if (!p.isDealer()) {
      sb.append("party ").append(p.party()).append('\n');
    }
    sb.append("precision ").append(p.precision()).append('\n');
    sb.append("digest ").append(encode(p.digest())).append('\n');
    sb.append("class ").append(encode(p.programClass())).append('\n');
    sb.append("rounds ").append(p.rounds()).append('\n');
    p.inputs().forEach(in -> sb.append(input(in)).append('\n'));
    p.outputs().forEach(out -> sb.append(output(out)).append('\n'));
    for (ProgramInfo.Constant c : p.constants()) {
      sb.append("const ").append(c.id()).append(' ').append(encode(c.name())).append(' ')
          .append(c.owner()).append(' ').append(c.words()).append('\n');
    }
    for (ProgramInfo.Layer l : p.layers()) {
      sb.append("layer ").append(l.index()).append(' ').append(encode(l.name())).append(' ')
          .append(encode(l.opType())).append('\n');
    }
    return sb.toString();
  }

  static String input(ProgramInfo.Input in) {
    return "input " + in.id() + " " + encode(in.name()) + " " + in.owner() + " " + in.scale()
        + " " + (in.real() ? 1 : 0) + " " + dims(in.dims());
  }

  static String output(ProgramInfo.Output out) {
    return "output " + out.index() + " " + encode(out.name()) + " " + out.scale() + " "
        + out.toMask() + " " + dims(out.dims());
  }

  static String dims(int[] dims) {
    return dims.length == 0 ? "-"
        : Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  static ProgramInfo parse(String text, String source) {
    ProgramInfo.Builder b = ProgramInfo.builder();
    boolean[] seen = new boolean[6];
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Line l = new Line(source + ":" + (i + 1), line);
      switch (l.f[0]) {
        case "parties":
          b.parties(l.once(seen, 0, 2).integer(1, "N"));
          break;
        case "party":
          b.party(l.once(seen, 1, 2).integer(1, "K"));
          break;
        case "precision":
          b.precision(l.once(seen, 2, 2).integer(1, "F"));
          break;
        case "digest":
          b.digest(l.once(seen, 3, 2).string(1));
          break;
        case "class":
          b.programClass(l.once(seen, 4, 2).string(1));
          break;
        case "rounds":
          b.rounds(l.once(seen, 5, 2).integer(1, "R"));
          break;
        case "input":
          l.arity(7, "input ID NAME OWNER SCALE REAL DIMS");
          b.input(l.integer(1, "ID"), l.string(2), l.integer(3, "OWNER"), l.integer(4, "SCALE"),
              l.bit(5, "REAL"), l.dims(6));
          break;
        case "output":
          l.arity(6, "output INDEX NAME SCALE TOMASK DIMS");
          b.output(l.integer(1, "INDEX"), l.string(2), l.integer(3, "SCALE"),
              l.integer(4, "TOMASK"), l.dims(5));
          break;
        case "const":
          l.arity(5, "const ID NAME OWNER WORDS");
          b.constant(l.integer(1, "ID"), l.string(2), l.integer(3, "OWNER"),
              l.integer(4, "WORDS"));
          break;
        case "layer":
          l.arity(4, "layer INDEX NAME OPTYPE");
          b.layer(l.integer(1, "INDEX"), l.string(2), l.string(3));
          break;
        default:
          throw new IllegalArgumentException(l.where + ": unknown record '" + l.f[0] + "'");
      }
    }
    String[] required = {"parties", null, "precision", "digest", "class", "rounds"};
    for (int k = 0; k < required.length; k++) {
      if (required[k] != null && !seen[k]) {
        throw new IllegalArgumentException(source + ": no '" + required[k] + "' record");
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** One line split into fields, with typed accessors whose errors name file and line. */
  private static final class Line {
    final String where;
    final String line;
    final String[] f;

    Line(String where, String line) {
      this.where = where;
      this.line = line;
      this.f = line.split("\\s+");
    }

    Line once(boolean[] seen, int k, int n) {
      if (seen[k]) {
        throw new IllegalArgumentException(where + ": second '" + f[0] + "' record");
      }
      seen[k] = true;
      return arity(n, f[0] + " VALUE");
    }

    Line arity(int n, String form) {
      if (f.length != n) {
        throw new IllegalArgumentException(where + ": expected '" + form + "', but found '"
            + line + "'");
      }
      return this;
    }

    int integer(int i, String field) {
      try {
        return Integer.parseInt(f[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + field + ": expected an integer, but"
            + " found '" + f[i] + "' in '" + line + "'");
      }
    }

    boolean bit(int i, String field) {
      if (!f[i].equals("0") && !f[i].equals("1")) {
        throw new IllegalArgumentException(where + ": " + field + ": expected 0 or 1, but found '"
            + f[i] + "' in '" + line + "'");
      }
      return f[i].equals("1");
    }

    String string(int i) {
      try {
        return decode(f[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage() + " in '" + line + "'");
      }
    }

    int[] dims(int i) {
      if (f[i].equals("-")) {
        return new int[0];
      }
      String[] parts = f[i].split(",", -1);
      int[] d = new int[parts.length];
      for (int k = 0; k < parts.length; k++) {
        try {
          d[k] = Integer.parseInt(parts[k]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": DIMS: expected comma-separated integers"
              + " or '-', but found '" + f[i] + "' in '" + line + "'");
        }
      }
      return d;
    }
  }

  static String encode(String s) {
    if (s.isEmpty()) {
      return "-";
    }
    if (s.equals("-")) {
      return "%2D";
    }
    // Work on UTF-8 bytes; non-ASCII bytes pass through, so the text stays readable.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c == '%' || c == 0x7f) {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String decode(String s) {
    if (s.equals("-")) {
      return "";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%') {
        int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
        int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent escape in '" + s + "'");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
