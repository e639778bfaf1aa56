package onnx2mpc.ir;

/**
 * The type of an SSA value: shape, element kind, fixed-point scale (fractional bits; 0 unless
 * FIXED) and visibility. The scale is part of the type so that truncation is always an explicit
 * op.
 */
public record Type(Shape shape, Elem elem, int scale, Vis vis) {
  public Type {
    if (shape == null || elem == null || vis == null) {
      throw new IllegalArgumentException("shape, elem and vis must not be null");
    }
    if (elem != Elem.FIXED && scale != 0) {
      throw new IllegalArgumentException("expected scale 0 for " + elem + ", but found " + scale);
    }
  }

  public static Type fixed(Shape shape, int scale, Vis vis) {
    return new Type(shape, Elem.FIXED, scale, vis);
  }

  public static Type integer(Shape shape, Vis vis) {
    return new Type(shape, Elem.INT, 0, vis);
  }

  public static Type bits(Shape shape, Vis vis) {
    return new Type(shape, Elem.BIT, 0, vis);
  }

  public Type withShape(Shape s) {
    return new Type(s, elem, scale, vis);
  }

  public Type withVis(Vis v) {
    return new Type(shape, elem, scale, v);
  }

  public Type withScale(int s) {
    return new Type(shape, elem, s, vis);
  }

  /**
   * Number of 64-bit words the value occupies in a party's buffer. Bit values are bit-sliced with
   * shape [rows, n]: each row packs the n elements' bits 64 to a word.
   */
  public int words() {
    if (elem != Elem.BIT) {
      return shape.size();
    }
    if (shape.rank() != 2) {
      throw new IllegalStateException("expected bit values of shape [rows, n], but found " + shape);
    }
    return shape.dim(0) * ((shape.dim(1) + 63) / 64);
  }

  @Override
  public String toString() {
    String e = switch (elem) {
      case FIXED -> "fix" + scale;
      case INT -> "int";
      case BIT -> "bit";
    };
    return e + shape + " " + vis;
  }

  /** Parses the form printed by {@link #toString()}, e.g. {@code fix16[1,10] arith}. */
  public static Type parse(String s) {
    String t = s.trim();
    int sp = t.indexOf(' ');
    if (sp < 0) {
      throw new IllegalArgumentException("expected '<elem>[dims] <visibility>', but found '" + s + "'");
    }
    String head = t.substring(0, sp);
    Vis vis = Vis.parse(t.substring(sp + 1).trim());
    int lb = head.indexOf('[');
    if (lb < 0 || !head.endsWith("]")) {
      throw new IllegalArgumentException("expected a shape in brackets, but found '" + head + "'");
    }
    String e = head.substring(0, lb);
    String dimText = head.substring(lb + 1, head.length() - 1);
    int[] dims = dimText.isEmpty()
        ? new int[0]
        : java.util.Arrays.stream(dimText.split(",")).mapToInt(Integer::parseInt).toArray();
    Shape shape = Shape.of(dims);
    if (e.startsWith("fix")) {
      return fixed(shape, Integer.parseInt(e.substring(3)), vis);
    } else if (e.equals("int")) {
      return integer(shape, vis);
    } else if (e.equals("bit")) {
      return bits(shape, vis);
    }
    throw new IllegalArgumentException("expected fixN, int or bit, but found '" + e + "'");
  }
}
