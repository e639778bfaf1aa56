package onnx2mpc.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramInfoTest {
  private static ProgramInfo sample() {
    return ProgramInfo.builder().parties(3).party(1).precision(16).digest("9f86d081")
        .programClass("gen.Party1").rounds(12)
        .input(0, "input image", 1, 16, true, 1, 3, 32, 32)
        .input(1, "step", 2, 0, false)
        .output(0, "logits", 16, 0b010, 1, 10)
        .constant(3, "fc.weight", 1, 5120)
        .constant(4, "", ProgramInfo.PUBLIC, 1)
        .layer(0, "/conv1/Conv", "Conv")
        .layer(2, "-", "Relu")
        .layer(1, "100% naïve\tname", "Gemm")
        .build();
  }

  private static final String SAMPLE_TEXT = "# onnx2mpc program description\n"
      + "parties 3\n"
      + "party 1\n"
      + "precision 16\n"
      + "digest 9f86d081\n"
      + "class gen.Party1\n"
      + "rounds 12\n"
      + "input 0 input%20image 1 16 1 1,3,32,32\n"
      + "input 1 step 2 0 0 -\n"
      + "output 0 logits 16 2 1,10\n"
      + "const 3 fc.weight 1 5120\n"
      + "const 4 - -1 1\n"
      + "layer 0 /conv1/Conv Conv\n"
      + "layer 2 %2D Relu\n"
      + "layer 1 100%25%20naïve%09name Gemm\n";

  @Test
  void writesTheDocumentedFormat() {
    assertEquals(SAMPLE_TEXT, sample().write());
  }

  @Test
  void parsesWhatItWrites() {
    ProgramInfo p = ProgramInfo.parse(SAMPLE_TEXT, "program.txt");
    assertEquals(sample(), p);
    assertEquals("input image", p.inputs().get(0).name());
    assertArrayEquals(new int[] {1, 3, 32, 32}, p.inputs().get(0).dims());
    assertArrayEquals(new int[0], p.inputs().get(1).dims());
    assertEquals("", p.constants().get(1).name());
    assertEquals("-", p.layers().get(1).name());
    assertEquals("100% naïve\tname", p.layers().get(2).name());
    assertEquals(3, p.layerSlots());
    assertTrue(p.outputs().get(0).receivedBy(1));
    assertTrue(p.outputs().get(0).real());
  }

  @Test
  void derivesOtherJarsFromOneTemplate() {
    ProgramInfo dealer = sample().toBuilder().party(ProgramInfo.DEALER).constantsVisibleTo(-1)
        .programClass("gen.Dealer").build();
    assertTrue(dealer.isDealer());
    assertEquals(List.of(new ProgramInfo.Constant(4, "", -1, 1)), dealer.constants());
    assertTrue(!dealer.write().contains("party "));
    assertEquals(dealer, ProgramInfo.parse(dealer.write(), "dealer.txt"));
  }

  @Test
  void constantsAreLittleEndianWords() {
    byte[] b = ProgramInfo.encodeConstant(new long[] {1, -2});
    assertEquals(16, b.length);
    assertEquals(1, b[0]);
    assertEquals((byte) 0xfe, b[8]);
    assertArrayEquals(new long[] {1, -2}, ProgramInfo.decodeConstant(b));
    assertEquals("onnx2mpc/const/7.bin", ProgramInfo.constantResource(7));
  }

  @Test
  void parseErrorsNameFileAndLine() {
    assertEquals("p.txt:3: unknown record 'inptu'", parseError("parties 2\n\ninptu 0 x 0 16 1 -"));
    assertEquals("p.txt:2: expected 'input ID NAME OWNER SCALE REAL DIMS', but found 'input 0"
        + " x 0'", parseError("parties 2\ninput 0 x 0"));
    assertEquals("p.txt:1: OWNER: expected an integer, but found 'me' in 'input 0 x me 16 1 -'",
        parseError("input 0 x me 16 1 -"));
    assertEquals("p.txt:1: REAL: expected 0 or 1, but found 'yes' in 'input 0 x 0 16 yes -'",
        parseError("input 0 x 0 16 yes -"));
    assertEquals("p.txt:1: DIMS: expected comma-separated integers or '-', but found '2,,3' in"
        + " 'input 0 x 0 16 1 2,,3'", parseError("input 0 x 0 16 1 2,,3"));
    assertEquals("p.txt:2: second 'parties' record", parseError("parties 2\nparties 3"));
    assertEquals("p.txt: no 'digest' record",
        parseError("parties 2\nprecision 16\nclass A\nrounds 0"));
    assertEquals("p.txt: input 0 'x': owner: expected 0..1, but found 5", parseError(
        "parties 2\nprecision 16\ndigest d\nclass A\nrounds 0\ninput 0 x 5 16 1 -"));
    assertEquals("p.txt:1: bad percent escape in 'a%2' in 'layer 0 a%2 Conv'",
        parseError("layer 0 a%2 Conv"));
  }

  @Test
  void builderChecksRecords() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProgramInfo.builder().parties(2).digest("d").programClass("A")
            .output(0, "y", 16, 0b100).build());
    assertEquals("output 0 'y': toMask: expected a non-empty set of parties, but found 4",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProgramInfo.builder().parties(2).digest("d").programClass("A")
            .input(0, "a", 0, 16, true).input(0, "b", 1, 16, true).build());
    assertEquals("input 0 'b': id repeated", e.getMessage());
  }

  private static String parseError(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ProgramInfo.parse(text, "p.txt"))
        .getMessage();
  }
}
