package onnx2mpc.codegen;

import static org.objectweb.asm.Opcodes.AALOAD;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.BIPUSH;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IASTORE;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISHL;
import static org.objectweb.asm.Opcodes.NEWARRAY;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.SIPUSH;
import static org.objectweb.asm.Opcodes.T_INT;
import static org.objectweb.asm.Opcodes.V17;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.CompiledProgram.Call;
import onnx2mpc.passes.CompiledProgram.Exchange;
import onnx2mpc.passes.CompiledProgram.Step;
import org.objectweb.asm.ClassTooLargeException;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;

/**
 * Writes the class files the jars run: {@code onnx2mpc.gen.Party<K>} (a {@code PartyProgram})
 * per party and {@code onnx2mpc.gen.Dealer} (a {@code DealerProgram}).
 *
 * <p>A party program is straight-line code, as in this sketch of what {@link JavaSourceGen}
 * prints for the same program:
 *
 * <pre>{@code
 * public void online(Ctx ctx) { online0(ctx); online1(ctx); }
 * private static void online0(Ctx ctx) {
 *   ctx.layer(3);
 *   Arith.mulAP(ctx, new int[] {7, 5, 2});   // one kernel call per mpc op
 *   ctx.release(5);                          // slots whose last use this was
 *   ctx.exchange(1);                         // end of round 1
 * }
 * }</pre>
 *
 * <p>Steps are cut into private static methods by {@link PartyCode#chunks}, so no method nears
 * the JVM's 64 KB limit. Line numbers are the step's 1-based position in its list (offline
 * steps from 1, online steps from 1_000_001), so a kernel's stack trace names the step.
 */
public final class BytecodeGen {
  private static final String CTX = "onnx2mpc/runtime/Ctx";
  private static final String CTX_DESC = "L" + CTX + ";";
  private static final String DATA = "onnx2mpc/runtime/ProgramData";
  private static final String DATA_DESC = "L" + DATA + ";";
  private static final String SESSION = "onnx2mpc/runtime/DealerSession";
  private static final String SESSION_DESC = "L" + SESSION + ";";
  /** Line numbers of online steps start here, so that they never collide with offline ones. */
  static final int ONLINE_LINE_BASE = 1_000_000;

  private BytecodeGen() {}

  /** Every class of the program, by binary name: all parties' and the dealer's. */
  public static Map<String, byte[]> all(CompiledProgram p) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int k = 0; k < p.parties(); k++) {
      out.put(PartyCode.partyClass(k), party(p, k));
    }
    out.put(PartyCode.dealerClass(), dealer(p));
    return out;
  }

  /** The class file of {@code onnx2mpc.gen.Party<party>}. */
  public static byte[] party(CompiledProgram p, int party) {
    String name = internal(PartyCode.partyClass(party));
    ClassWriter cw = newClass(name, PartyCode.LAUNCH_PACKAGE + ".PartyProgram",
        "Party" + party + ".java");

    MethodVisitor slots = cw.visitMethod(ACC_PUBLIC, "slots", "()I", null, null);
    slots.visitCode();
    pushInt(slots, p.slotCount());
    slots.visitInsn(IRETURN);
    slots.visitMaxs(0, 0);
    slots.visitEnd();

    List<Step> offline = PartyCode.partySteps(p, party, p.offline());
    List<Step> online = PartyCode.partySteps(p, party, p.online());
    // Offline steps are not charged to layers: per-layer times measure the online phase.
    steps(cw, name, "offline", offline, false, 0, List.of());
    steps(cw, name, "online", online, true, ONLINE_LINE_BASE, PartyCode.received(p, party));
    cw.visitEnd();
    return bytes(cw, "party " + party, offline.size() + online.size());
  }

  /** The class file of {@code onnx2mpc.gen.Dealer}: the DEALER calls, in correlation order. */
  public static byte[] dealer(CompiledProgram p) {
    String name = internal(PartyCode.dealerClass());
    ClassWriter cw = newClass(name, PartyCode.LAUNCH_PACKAGE + ".DealerProgram", "Dealer.java");
    List<List<Call>> chunks = PartyCode.chunks(PartyCode.dealerSteps(p));
    String desc = "(" + SESSION_DESC + ")V";
    MethodVisitor run = cw.visitMethod(ACC_PUBLIC, "run", desc, null, null);
    run.visitCode();
    for (int i = 0; i < chunks.size(); i++) {
      run.visitVarInsn(ALOAD, 1);
      run.visitMethodInsn(INVOKESTATIC, name, "run" + i, desc, false);
    }
    run.visitInsn(RETURN);
    run.visitMaxs(0, 0);
    run.visitEnd();

    String owner = internal(PartyCode.OPS_PACKAGE + "." + PartyCode.DEALER_SIDE);
    int line = 0;
    for (int i = 0; i < chunks.size(); i++) {
      MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, "run" + i, desc, null, null);
      mv.visitCode();
      for (Call c : chunks.get(i)) {
        line(mv, ++line);
        mv.visitVarInsn(ALOAD, 0);
        intArray(mv, c.args());
        mv.visitMethodInsn(INVOKESTATIC, owner, PartyCode.Kernel.of(c).method(),
            "(" + SESSION_DESC + "[I)V", false);
      }
      mv.visitInsn(RETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
    cw.visitEnd();
    return bytes(cw, "the dealer", chunks.stream().mapToInt(List::size).sum());
  }

  /**
   * The class file, or a clear error if it breaks a JVM limit. Methods are kept small by
   * {@link PartyCode#chunks} and constants stay out of the constant pool ({@link #pushInt}), so
   * this takes a program of millions of steps.
   */
  private static byte[] bytes(ClassWriter cw, String who, int steps) {
    try {
      return cw.toByteArray();
    } catch (ClassTooLargeException | MethodTooLargeException e) {
      throw new IllegalArgumentException("expected " + who + "'s program of " + steps
          + " steps to fit in one class file, but it exceeds a JVM limit: " + e.getMessage(),
          e);
    }
  }

  /** A public final class with a public no-argument constructor (the launcher needs one). */
  private static ClassWriter newClass(String name, String iface, String source) {
    // Straight-line code has no branches, hence no stack map frames to compute; COMPUTE_MAXS
    // alone needs no class loading, unlike COMPUTE_FRAMES.
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object",
        new String[] {internal(iface)});
    cw.visitSource(source, null);
    MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(ALOAD, 0);
    init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    return cw;
  }

  /**
   * {@code public void kind(Ctx)} calling {@code kind0..kindN(Ctx)}, then handing the revealed
   * outputs this party receives to {@code ctx.data().output(i, ctx.buf[slot])}; and the
   * methods {@code kind0..kindN}.
   */
  private static void steps(ClassWriter cw, String cls, String kind, List<Step> steps,
      boolean layers, int lineBase, List<PartyCode.Received> outputs) {
    List<List<Step>> chunks = PartyCode.chunks(steps);
    String desc = "(" + CTX_DESC + ")V";
    MethodVisitor top = cw.visitMethod(ACC_PUBLIC, kind, desc, null, null);
    top.visitCode();
    for (int i = 0; i < chunks.size(); i++) {
      top.visitVarInsn(ALOAD, 1);
      top.visitMethodInsn(INVOKESTATIC, cls, kind + i, desc, false);
    }
    for (PartyCode.Received o : outputs) {
      top.visitVarInsn(ALOAD, 1);
      top.visitMethodInsn(INVOKEVIRTUAL, CTX, "data", "()" + DATA_DESC, false);
      pushInt(top, o.index());
      top.visitVarInsn(ALOAD, 1);
      top.visitFieldInsn(GETFIELD, CTX, "buf", "[[J");
      pushInt(top, o.slot());
      top.visitInsn(AALOAD);
      top.visitMethodInsn(INVOKEINTERFACE, DATA, "output", "(I[J)V", true);
    }
    top.visitInsn(RETURN);
    top.visitMaxs(0, 0);
    top.visitEnd();

    // The current layer carries over from one chunk to the next: chunks run in sequence.
    int layer = -1;
    int line = lineBase;
    for (int i = 0; i < chunks.size(); i++) {
      MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, kind + i, desc, null, null);
      mv.visitCode();
      for (Step s : chunks.get(i)) {
        line(mv, ++line);
        if (layers && s.layer() != layer) {
          layer = s.layer();
          mv.visitVarInsn(ALOAD, 0);
          pushInt(mv, layer);
          mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "layer", "(I)V", false);
        }
        if (s instanceof Call c) {
          call(mv, c);
        } else {
          mv.visitVarInsn(ALOAD, 0);
          pushInt(mv, ((Exchange) s).round());
          mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "exchange", "(I)V", false);
        }
      }
      mv.visitInsn(RETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
  }

  /** {@code Ops.method(ctx, new int[] {...}); ctx.release(s); ...} */
  private static void call(MethodVisitor mv, Call c) {
    PartyCode.Kernel k = PartyCode.Kernel.of(c);
    mv.visitVarInsn(ALOAD, 0);
    intArray(mv, c.args());
    mv.visitMethodInsn(INVOKESTATIC, internal(k.binaryClass()), k.method(),
        "(" + CTX_DESC + "[I)V", false);
    for (int slot : c.frees()) {
      mv.visitVarInsn(ALOAD, 0);
      pushInt(mv, slot);
      mv.visitMethodInsn(INVOKEVIRTUAL, CTX, "release", "(I)V", false);
    }
  }

  private static void line(MethodVisitor mv, int line) {
    Label l = new Label();
    mv.visitLabel(l);
    mv.visitLineNumber(line, l);
  }

  private static void intArray(MethodVisitor mv, int[] values) {
    pushInt(mv, values.length);
    mv.visitIntInsn(NEWARRAY, T_INT);
    for (int i = 0; i < values.length; i++) {
      // Elements default to 0, so zeros need no store.
      if (values[i] == 0) {
        continue;
      }
      mv.visitInsn(DUP);
      pushInt(mv, i);
      pushInt(mv, values[i]);
      mv.visitInsn(IASTORE);
    }
  }

  /**
   * Pushes an int constant with the shortest instruction, and never through the constant pool:
   * a wide int is built as {@code (hi << 16) + lo} from two 16-bit halves. The pool is one per
   * class (at most 65535 entries), so thousands of distinct wide arguments (correlation ids,
   * encoded long attributes) would otherwise overflow it however the code is split into
   * methods. Costs 10 bytes instead of 3, which {@link PartyCode#pushBytes} accounts for.
   */
  static void pushInt(MethodVisitor mv, int v) {
    if (v >= -1 && v <= 5) {
      mv.visitInsn(ICONST_0 + v);
    } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      mv.visitIntInsn(BIPUSH, v);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      mv.visitIntInsn(SIPUSH, v);
    } else {
      // lo sign-extends; (v - lo) has 16 zero low bits, so hi << 16 == v - lo (mod 2^32).
      int lo = (short) v;
      int hi = (v - lo) >> 16;
      mv.visitIntInsn(SIPUSH, hi);
      mv.visitIntInsn(BIPUSH, 16);
      mv.visitInsn(ISHL);
      mv.visitIntInsn(SIPUSH, lo);
      mv.visitInsn(IADD);
    }
  }

  static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }
}
