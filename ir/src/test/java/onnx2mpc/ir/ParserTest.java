package onnx2mpc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParserTest {
  private static final String TEXT = """
      graph {
        property parties = "2"
        input %0 "input" : fix16[1,4] private(1)
        const %1 "w" : fix0[4,2] public = real[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]
        %2 = tensor.gemm(%0, %1) {alpha=1.0, transB=0, pads=[1,1], name="a b"} : fix0[1,2] public  # /fc/Gemm
        %3, %4 = tensor.split(%2) {axis=1} : fix0[1,1] public, fix0[1,1] public  # split
        output %3
      }
      """;

  @Test
  void printThenParseIsIdentity() {
    Graph g = Parser.parse(TEXT);
    String printed = Printer.print(g);
    assertEquals(printed, Printer.print(Parser.parse(printed)));
    assertTrue(printed.contains("tensor.gemm(%0, %1) {alpha=1.0, transB=0, pads=[1,1], name=\"a b\"}"),
        printed);
    assertEquals(2, g.nodes().size());
    assertEquals("/fc/Gemm", g.nodes().get(0).origin());
  }

  @Test
  void errorNamesTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Parser.parse("graph {\n  output %7\n}\n"));
    assertTrue(e.getMessage().startsWith("line 2: expected %7 to be defined"), e.getMessage());
  }
}
