package onnx2mpc.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.OpDef;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.CompiledProgram.Call;
import onnx2mpc.passes.CompiledProgram.Step;

/**
 * What one party (or the dealer) runs, decided at compile time, and how it is cut into methods.
 * {@link BytecodeGen} and {@link JavaSourceGen} both read this, so that the bytecode and the
 * readable source are the same program, call for call and method for method.
 *
 * <p>Party-specific branches resolved here: a party reads a graph input only if it owns it, and
 * a constant only if it is public or its own (the jar of any other party does not contain the
 * data). Everything else every party runs; kernels treat a null operand slot as "this party
 * holds nothing for it".
 */
public final class PartyCode {
  /** Package of every generated class. */
  public static final String GEN_PACKAGE = "onnx2mpc.gen";
  /** Package of the runtime kernels named by {@link Call#kernel()}. */
  public static final String OPS_PACKAGE = "onnx2mpc.runtime.ops";
  /** Package of the launch interfaces the generated classes implement. */
  public static final String LAUNCH_PACKAGE = "onnx2mpc.runtime.launch";
  /** Dealer-side counterparts of DEALER kernels live in this class of {@link #OPS_PACKAGE}. */
  public static final String DEALER_SIDE = "DealerSide";

  /** At most this many calls per generated method (keeps methods readable and JIT-friendly). */
  public static final int MAX_CALLS_PER_METHOD = 150;
  /**
   * Estimated bytecode bytes per generated method; the JVM limit is 65535. Half of it leaves
   * room for the estimate's slack and for javac, which emits the same arrays.
   */
  static final int MAX_BYTES_PER_METHOD = 32_000;

  private static final String INPUT_KERNEL = MpcOps.get("mpc.input").kernel();
  private static final String CONST_KERNEL = MpcOps.get("mpc.const").kernel();
  private static final Map<String, OpDef> BY_KERNEL = new HashMap<>();

  static {
    for (OpDef d : MpcOps.all().values()) {
      BY_KERNEL.put(d.kernel(), d);
    }
  }

  private PartyCode() {}

  /** Binary name of party {@code k}'s class, e.g. {@code onnx2mpc.gen.Party0}. */
  public static String partyClass(int k) {
    return GEN_PACKAGE + ".Party" + k;
  }

  /** Binary name of the dealer's class. */
  public static String dealerClass() {
    return GEN_PACKAGE + ".Dealer";
  }

  /** A runtime kernel {@code Class.method}, split. */
  record Kernel(String simpleClass, String method) {
    static Kernel of(Call c) {
      String k = c.kernel();
      int dot = k == null ? -1 : k.indexOf('.');
      if (dot <= 0 || dot != k.lastIndexOf('.') || dot == k.length() - 1) {
        throw new IllegalArgumentException("expected a kernel 'Class.method', but found '" + k
            + "'" + at(c));
      }
      return new Kernel(k.substring(0, dot), k.substring(dot + 1));
    }

    String binaryClass() {
      return OPS_PACKAGE + "." + simpleClass;
    }
  }

  /** The op a kernel runs, checked against the op set (codegen accepts only mpc ops). */
  static OpDef opOf(Call c) {
    OpDef d = BY_KERNEL.get(c.kernel());
    if (d == null) {
      throw new IllegalArgumentException("expected the kernel of an mpc op, but found '"
          + c.kernel() + "'" + at(c));
    }
    return d;
  }

  /** " at mpc.x from ONNX node 'n'" for messages; empty when the call has no node. */
  static String at(Call c) {
    return c.node() == null ? "" : " at " + c.node().describe();
  }

  /**
   * Party {@code party}'s steps out of {@code steps} (the program's offline or online list):
   * calls it may not run are left out. Dropping them drops their frees too, which is exact: such
   * a call has no operands, so it can only free its own result, which this party never fills.
   */
  public static List<Step> partySteps(CompiledProgram p, int party, List<Step> steps) {
    if (party < 0 || party >= p.parties()) {
      throw new IllegalArgumentException(
          "party must be in 0.." + (p.parties() - 1) + ", but found " + party);
    }
    Map<Integer, Integer> inputOwner = new HashMap<>();
    for (CompiledProgram.InputSpec in : p.inputs()) {
      inputOwner.put(in.id(), in.owner());
    }
    Map<Integer, Integer> constOwner = new HashMap<>();
    for (CompiledProgram.ConstSpec c : p.constants()) {
      constOwner.put(c.id(), c.owner());
    }
    List<Step> out = new ArrayList<>(steps.size());
    for (Step s : steps) {
      if (s instanceof Call c) {
        opOf(c);
        Kernel.of(c);
        if (c.kernel().equals(INPUT_KERNEL)
            && owner(inputOwner, c, "graph input") != party) {
          continue;
        }
        if (c.kernel().equals(CONST_KERNEL)) {
          int owner = owner(constOwner, c, "constant");
          if (owner != -1 && owner != party) {
            continue;
          }
        }
      }
      out.add(s);
    }
    return out;
  }

  private static int owner(Map<Integer, Integer> owners, Call c, String what) {
    // Data.input / Data.constant take [outSlot, id]: results first, then the id attribute.
    if (c.args().length != 2) {
      throw new IllegalArgumentException("expected args [slot, id] for " + c.kernel()
          + ", but found " + c.args().length + " ints" + at(c));
    }
    Integer o = owners.get(c.args()[1]);
    if (o == null) {
      throw new IllegalArgumentException("expected a " + what + " with id " + c.args()[1]
          + ", but the program declares none" + at(c));
    }
    return o;
  }

  /** A revealed output party {@code k} receives: its index and the slot holding it. */
  record Received(int index, String name, int slot) {}

  /**
   * The outputs {@code party} receives, in index order. The generated {@code online} hands each
   * to {@code ProgramData.output} once the last exchange has written it; plan-memory pins
   * output slots, so they still hold the value there.
   */
  static List<Received> received(CompiledProgram p, int party) {
    List<Received> out = new ArrayList<>();
    for (int i = 0; i < p.outputs().size(); i++) {
      CompiledProgram.OutputSpec o = p.outputs().get(i);
      if ((o.toMask() >>> party & 1) != 0) {
        out.add(new Received(i, o.name(), o.slot()));
      }
    }
    return out;
  }

  /**
   * The dealer's steps: the DEALER calls of the offline list, then of the online list, in the
   * order party 0 consumes their corrections.
   */
  public static List<Call> dealerSteps(CompiledProgram p) {
    List<Call> out = new ArrayList<>();
    List<Step> all = new ArrayList<>(p.offline());
    all.addAll(p.online());
    for (Step s : all) {
      if (s instanceof Call c && opOf(c).comm() == OpDef.Comm.DEALER) {
        Kernel.of(c);
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Cuts steps into consecutive chunks, one generated method each: at most
   * {@link #MAX_CALLS_PER_METHOD} calls and about {@link #MAX_BYTES_PER_METHOD} bytes of code.
   */
  static <T extends Step> List<List<T>> chunks(List<T> steps) {
    List<List<T>> out = new ArrayList<>();
    List<T> cur = new ArrayList<>();
    int calls = 0;
    int bytes = 0;
    for (T s : steps) {
      int b = estimateBytes(s);
      if (b > MAX_BYTES_PER_METHOD && s instanceof Call c) {
        throw new IllegalArgumentException("expected kernel arguments that fit in one method, "
            + "but found " + c.args().length + " ints" + at(c));
      }
      boolean call = s instanceof Call;
      if (!cur.isEmpty() && ((call && calls == MAX_CALLS_PER_METHOD)
          || bytes + b > MAX_BYTES_PER_METHOD)) {
        out.add(cur);
        cur = new ArrayList<>();
        calls = 0;
        bytes = 0;
      }
      cur.add(s);
      calls += call ? 1 : 0;
      bytes += b;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /**
   * Upper bound of the bytecode for one step, as {@link BytecodeGen} or javac writes it: per
   * array element dup, index, value and iastore (BytecodeGen skips zeros, javac does not; javac
   * loads wide ints with ldc, BytecodeGen builds them); per freed slot aload, index,
   * invokevirtual release; plus the call, the array header and a possible {@code ctx.layer(i)}.
   */
  static int estimateBytes(Step s) {
    int layer = 8;
    if (!(s instanceof Call c)) {
      return layer + 8;
    }
    int[] a = c.args();
    int bytes = layer + 4 + pushBytes(a.length) + 3;
    for (int i = 0; i < a.length; i++) {
      bytes += 1 + pushBytes(i) + Math.max(pushBytes(a[i]), 3) + 1;
    }
    for (int f : c.frees()) {
      bytes += 1 + pushBytes(f) + 3;
    }
    return bytes;
  }

  /** Bytes of {@link BytecodeGen#pushInt}'s instructions for {@code v}. */
  static int pushBytes(int v) {
    if (v >= -1 && v <= 5) {
      return 1;
    }
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      return 2;
    }
    return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE ? 3 : 10;
  }
}
