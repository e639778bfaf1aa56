package onnx2mpc.ir;

import java.util.List;

/**
 * Declarative signature of one op: how many operands and results it has, which attributes it
 * carries (in the order the runtime kernel reads them) and, for {@code mpc.*} ops, which runtime
 * kernel runs it. Liveness, scheduling, printing and codegen read this instead of knowing ops.
 *
 * @param name dialect-qualified name, e.g. {@code mpc.add_aa}
 * @param ins number of operands, or {@link #VARIADIC}
 * @param outs number of results
 * @param attrs attribute names in kernel order, each with its encoding
 * @param kernel runtime method {@code Class.method} (mpc ops only; null otherwise)
 * @param comm what communication the op does
 * @param summary one line saying what the op computes
 */
public record OpDef(String name, int ins, int outs, List<AttrSpec> attrs, String kernel,
    Comm comm, String summary) {
  public static final int VARIADIC = -1;

  /** Communication an op performs. OPEN and REVEAL are staged and happen at the next exchange. */
  public enum Comm {
    LOCAL,
    OPEN,
    REVEAL,
    DEALER
  }

  /** How an attribute is encoded in a kernel's int[] argument list. */
  public enum Enc {
    /** one int */
    INT,
    /** two ints, high word first */
    LONG,
    /** a length followed by that many ints */
    INTS
  }

  public record AttrSpec(String name, Enc enc) {}

  public static AttrSpec i(String name) {
    return new AttrSpec(name, Enc.INT);
  }

  public static AttrSpec l(String name) {
    return new AttrSpec(name, Enc.LONG);
  }

  public static AttrSpec is(String name) {
    return new AttrSpec(name, Enc.INTS);
  }
}
