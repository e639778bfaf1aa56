package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.CompiledProgram;
import org.junit.jupiter.api.Test;

class JavaSourceGenTest {

  @Test
  void sourceReadsAsTheProgram() {
    String src = JavaSourceGen.party(TestPrograms.beaver(2), 1);
    assertTrue(src.contains("public final class Party1 implements PartyProgram"), src);
    assertTrue(src.contains("// mpc.beaver_mul -> fix32[4] arith, from ONNX node 'Mul_0'"), src);
    assertTrue(src.contains("Data.input(ctx, new int[] {"), src);
    assertFalse(src.contains("Data.constant("), src);
    assertTrue(src.contains("ctx.exchange(2);"), src);
    assertTrue(src.contains("ctx.layer(1);"), src);
    String dealer = JavaSourceGen.dealer(TestPrograms.beaver(2));
    assertTrue(dealer.contains("DealerSide.triple(s, new int[] {"), dealer);
  }

  @Test
  void nodeNamesCannotEscapeTheirComment() {
    // javac decodes backslash-u escapes before comments: a raw one would end the line comment.
    String evil = "x\\u000a static { System.exit(1); } //\n*/";
    assertEquals("x<U+005C>u000a static { System.exit(1); } //<U+000A>*<U+002F>",
        JavaSourceGen.safe(evil));
    Graph g = new Graph();
    Node n = g.addNode("mpc.neg_a", List.of(g.addInput("a", Type.fixed(Shape.of(1), 16,
        Vis.ARITH))), List.of(Type.fixed(Shape.of(1), 16, Vis.ARITH)), Attrs.NONE, evil);
    String c = JavaSourceGen.describe(new CompiledProgram.Call(n, "Arith.negA",
        new int[] {1, 0}, 0, new int[0]));
    assertFalse(c.contains("\\") || c.contains("\n") || c.contains("*/"), c);
  }

  @Test
  void sourceCompilesToTheSameCallsAsTheBytecode() {
    for (CompiledProgram p : List.of(TestPrograms.beaver(3), TestPrograms.large(400))) {
      Map<String, byte[]> javac = InMemoryJavac.compile(JavaSourceGen.all(p));
      Map<String, byte[]> asm = BytecodeGen.all(p);
      assertEquals(asm.keySet(), javac.keySet());
      for (String name : asm.keySet()) {
        assertEquals(BytecodeGenTest.calls(asm.get(name)),
            BytecodeGenTest.calls(javac.get(name)), name);
        assertEquals("", BytecodeGenTest.verify(javac.get(name)), name);
      }
    }
  }

  /**
   * Exact arithmetic (a Beaver product, no truncation): the bytecode and the compiled source
   * reveal the same bits, which are x * w at scale 32, for 2 and 3 parties. Shares and
   * triples differ run to run (fresh seeds), the revealed value may not.
   */
  @Test
  void bytecodeAndSourceRevealTheSameBits() throws Exception {
    for (int n : new int[] {2, 3}) {
      CompiledProgram p = TestPrograms.beaver(n);
      long[][] inputs = {TestPrograms.encode(TestPrograms.X, TestPrograms.F)};
      long[][][] viaAsm = LocalRun.run(p, LocalRun.load(BytecodeGen.all(p)), inputs);
      long[][][] viaJavac = LocalRun.run(p,
          LocalRun.load(InMemoryJavac.compile(JavaSourceGen.all(p))), inputs);
      long[] expected = new long[4];
      for (int i = 0; i < 4; i++) {
        expected[i] = TestPrograms.encode(TestPrograms.X[i] * TestPrograms.W[i], 32);
      }
      assertArrayEquals(expected, viaAsm[1][0]);
      assertArrayEquals(viaAsm[1][0], viaJavac[1][0]);
      for (int k = 0; k < n; k++) {
        if (k != 1) {
          // The output goes to party 1 only.
          assertNull(viaAsm[k][0]);
          assertNull(viaJavac[k][0]);
        }
      }
    }
  }

  /**
   * Many methods, layers and wide int arguments (the long constants' halves): the added
   * constants must arrive bit for bit.
   */
  @Test
  void longProgramsComputeExactly() throws Exception {
    CompiledProgram p = TestPrograms.large(700);
    long[][] inputs = {TestPrograms.encode(TestPrograms.X, TestPrograms.F)};
    long[] want = inputs[0].clone();
    for (int i = 0; i < 700; i++) {
      for (int j = 0; j < 4; j++) {
        want[j] += 100_000L * i + 1;
      }
    }
    long[][][] viaAsm = LocalRun.run(p, LocalRun.load(BytecodeGen.all(p)), inputs);
    long[][][] viaJavac = LocalRun.run(p,
        LocalRun.load(InMemoryJavac.compile(JavaSourceGen.all(p))), inputs);
    for (int k = 0; k < 2; k++) {
      assertArrayEquals(want, viaAsm[k][0]);
      assertArrayEquals(want, viaJavac[k][0]);
    }
  }

  /** With local truncation each run may differ by 1 ulp; both agree within that. */
  @Test
  void truncatedProgramsAgreeWithinOneUlp() throws Exception {
    CompiledProgram p = TestPrograms.truncated();
    long[][] inputs = {TestPrograms.encode(TestPrograms.X, TestPrograms.F)};
    long[][][] viaAsm = LocalRun.run(p, LocalRun.load(BytecodeGen.all(p)), inputs);
    long[][][] viaJavac = LocalRun.run(p,
        LocalRun.load(InMemoryJavac.compile(JavaSourceGen.all(p))), inputs);
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 4; i++) {
        long want = TestPrograms.encode(TestPrograms.X[i] * TestPrograms.W[i], TestPrograms.F);
        assertTrue(Math.abs(viaAsm[k][0][i] - want) <= 1, "asm party " + k + " elem " + i);
        assertTrue(Math.abs(viaJavac[k][0][i] - want) <= 1, "javac party " + k + " elem " + i);
        assertTrue(Math.abs(viaAsm[k][0][i] - viaJavac[k][0][i]) <= 1);
      }
      // Both parties learn the same value in one run.
      assertArrayEquals(viaAsm[0][0], viaAsm[1][0]);
    }
  }
}
