package onnx2mpc.ir;

/**
 * Who knows a value. PUBLIC: every party knows the plaintext. PRIVATE: only {@link #owner()}
 * knows it. ARITH: additive shares over Z_2^64 held by all parties. BINARY: XOR shares.
 */
public record Vis(Kind kind, int owner) {
  public enum Kind {
    PUBLIC,
    PRIVATE,
    ARITH,
    BINARY
  }

  public static final Vis PUBLIC = new Vis(Kind.PUBLIC, -1);
  public static final Vis ARITH = new Vis(Kind.ARITH, -1);
  public static final Vis BINARY = new Vis(Kind.BINARY, -1);

  public static Vis privateTo(int party) {
    if (party < 0) {
      throw new IllegalArgumentException("party must be >= 0, but found " + party);
    }
    return new Vis(Kind.PRIVATE, party);
  }

  public boolean isPublic() {
    return kind == Kind.PUBLIC;
  }

  public boolean isPrivate() {
    return kind == Kind.PRIVATE;
  }

  public boolean isShared() {
    return kind == Kind.ARITH || kind == Kind.BINARY;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PUBLIC -> "public";
      case PRIVATE -> "private(" + owner + ")";
      case ARITH -> "arith";
      case BINARY -> "binary";
    };
  }

  public static Vis parse(String s) {
    return switch (s) {
      case "public" -> PUBLIC;
      case "arith" -> ARITH;
      case "binary" -> BINARY;
      default -> {
        if (s.startsWith("private(") && s.endsWith(")")) {
          yield privateTo(Integer.parseInt(s.substring(8, s.length() - 1)));
        }
        throw new IllegalArgumentException("expected a visibility, but found '" + s + "'");
      }
    };
  }
}
