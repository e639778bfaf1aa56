package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx2mpc.passes.CompiledProgram;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;
import org.objectweb.asm.util.TraceClassVisitor;

class BytecodeGenTest {

  /** ASM's verifier output for a class; empty when it verifies. */
  static String verify(byte[] cls) {
    StringWriter sw = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(cls), BytecodeGenTest.class.getClassLoader(), false,
        new PrintWriter(sw));
    return sw.toString();
  }

  static String disassemble(byte[] cls) {
    StringWriter sw = new StringWriter();
    new ClassReader(cls).accept(new TraceClassVisitor(new PrintWriter(sw)), 0);
    return sw.toString();
  }

  /** Kernel calls (owner.method) in the order they appear in the class file. */
  static List<String> calls(byte[] cls) {
    List<String> out = new ArrayList<>();
    new ClassReader(cls).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int acc, String name, String desc, String sig,
          String[] ex) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
            if (owner.startsWith("onnx2mpc/runtime/ops/")) {
              out.add(owner.substring(owner.lastIndexOf('/') + 1) + "." + m);
            }
          }
        };
      }
    }, 0);
    return out;
  }

  @Test
  void everyClassVerifies() {
    for (CompiledProgram p : List.of(TestPrograms.beaver(2), TestPrograms.beaver(3),
        TestPrograms.truncated(), TestPrograms.large(1000))) {
      for (Map.Entry<String, byte[]> e : BytecodeGen.all(p).entrySet()) {
        assertEquals("", verify(e.getValue()), e.getKey() + "\n" + disassemble(e.getValue()));
      }
    }
  }

  @Test
  void partySpecificCallsAreResolvedAtCompileTime() {
    CompiledProgram p = TestPrograms.beaver(3);
    // Party 0 owns the weights, party 1 the input, party 2 neither.
    assertEquals(List.of("Data.constant", "Dealer.triple", "Arith.share", "Arith.share",
        "Arith.subAA", "Arith.subAA", "Comm.open", "Comm.open", "Beaver.mul", "Comm.reveal"),
        calls(BytecodeGen.party(p, 0)));
    assertEquals(List.of("Dealer.triple", "Data.input", "Arith.share", "Arith.share",
        "Arith.subAA", "Arith.subAA", "Comm.open", "Comm.open", "Beaver.mul", "Comm.reveal"),
        calls(BytecodeGen.party(p, 1)));
    assertFalse(calls(BytecodeGen.party(p, 2)).contains("Data.input"));
    assertFalse(calls(BytecodeGen.party(p, 2)).contains("Data.constant"));
    assertEquals(List.of("DealerSide.triple"), calls(BytecodeGen.dealer(p)));
    // A public constant goes everywhere.
    CompiledProgram t = TestPrograms.truncated();
    assertTrue(calls(BytecodeGen.party(t, 0)).contains("Data.constant"));
    assertTrue(calls(BytecodeGen.party(t, 1)).contains("Data.constant"));
  }

  @Test
  void largeProgramsAreSplitIntoSmallMethods() {
    byte[] cls = BytecodeGen.party(TestPrograms.large(5000), 1);
    List<String> methods = new ArrayList<>();
    new ClassReader(cls).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int acc, String name, String desc, String sig,
          String[] ex) {
        methods.add(name);
        return null;
      }
    }, 0);
    // 5003 online calls at 150 per method.
    assertTrue(methods.contains("online33"), methods.toString());
    assertFalse(methods.contains("online34"), methods.toString());
    assertEquals(5000, calls(cls).stream().filter(c -> c.equals("Arith.addConst")).count());
    assertEquals("", verify(cls));
  }

  @Test
  void layerMarksAndFreesAreEmitted() {
    String text = disassemble(BytecodeGen.party(TestPrograms.beaver(2), 1));
    // Layers input(2), Mul_0(3), output(4) in the online phase; none offline.
    assertEquals(3, count(text, "INVOKEVIRTUAL onnx2mpc/runtime/Ctx.layer (I)V"), text);
    assertEquals(2, count(text, "INVOKEVIRTUAL onnx2mpc/runtime/Ctx.exchange (I)V"), text);
    assertEquals(5, count(text, "INVOKEVIRTUAL onnx2mpc/runtime/Ctx.release (I)V"), text);
  }

  @Test
  void unknownKernelsAreRejectedWithTheNode() {
    CompiledProgram p = TestPrograms.truncated();
    List<CompiledProgram.Step> online = new ArrayList<>(p.online());
    CompiledProgram.Call c = (CompiledProgram.Call) online.get(2);
    online.set(2, new CompiledProgram.Call(c.node(), "Arith.nope", c.args(), c.layer(),
        c.frees()));
    CompiledProgram bad = new CompiledProgram(p.graph(), p.parties(), p.precision(),
        p.offline(), online, p.slotCount(), p.inputs(), p.outputs(), p.constants(),
        p.layers(), p.plan(), p.digest());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> BytecodeGen.party(bad, 0));
    assertEquals("expected the kernel of an mpc op, but found 'Arith.nope' at mpc.mul_ap"
        + " from ONNX node 'Mul_0'", e.getMessage());
  }

  /** Wide ints are built from 16-bit halves (no constant pool); check the edge cases. */
  @Test
  void pushIntBuildsEveryIntExactly() throws Exception {
    int[] values = {Integer.MIN_VALUE, Integer.MAX_VALUE, 32767, 32768, -32768, -32769, 65535,
        65536, 0x7FFF8000, 0x7FFF7FFF, 0x80008000, 0x12345678, -0x12345678, 0xFFFF8000, -1,
        127, 128, -129};
    org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(
        org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
    cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "Push", null, "java/lang/Object", null);
    for (int i = 0; i < values.length; i++) {
      MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "v" + i,
          "()I", null, null);
      mv.visitCode();
      BytecodeGen.pushInt(mv, values[i]);
      mv.visitInsn(Opcodes.IRETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
    cw.visitEnd();
    byte[] cls = cw.toByteArray();
    assertEquals("", verify(cls));
    Class<?> c = InMemoryJavac.loader(Map.of("Push", cls)).loadClass("Push");
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], (int) c.getMethod("v" + i).invoke(null), "value " + i);
    }
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
