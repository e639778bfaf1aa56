package onnx2mpc.frontend;

import static onnx2mpc.frontend.OnnxBuilder.attr;
import static onnx2mpc.frontend.OnnxBuilder.d;
import static onnx2mpc.frontend.OnnxBuilder.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unsupported model fails once, listing every offending node. */
class ErrorsTest {
  private static void assertContains(String text, String... parts) {
    for (String p : parts) {
      assertTrue(text.contains(p), "expected <" + p + "> in:\n" + text);
    }
  }

  @Test
  void everyUnsupportedNodeIsListedOnceWithOpTypeOpsetAndAttribute() {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 1, 3, 8, 8).ints("pads", d(8), 0, 0, 1, 1,
            0, 0, 1, 1).ints("k", d(1), 2)
        .named("/head/TopK", "TopK", s("x", "k"), s("vals", "idx"), attr("axis", -1))
        .named("/pad", "Pad", s("x", "pads"), s("p"), attr("mode", "reflect"))
        .named("/relu", "Relu", s("vals"), s("r")) // fed by TopK: not listed again
        .named("", "Resize", s("p"), s("up"))
        .named("/conv", "Conv", s("x", "x"), s("c"), attr("auto_pad", "SAME_MIDDLE"))
        .output("r").output("up").output("c");
    ImportException e = assertThrows(ImportException.class, b::convert);
    String m = e.getMessage();
    assertEquals(4, e.problems().size(), m);
    assertTrue(m.startsWith("cannot import test.onnx"), m);
    assertContains(m, "cannot import test.onnx (opset 17): 4 problems",
        "node '/head/TopK' (TopK, opset 17): op type 'TopK' is not supported",
        "node '/pad' (Pad, opset 17), attribute 'mode': unsupported value \"reflect\";"
            + " supported: constant",
        "node 'Resize_3' (Resize, opset 17): op type 'Resize' is not supported",
        "node '/conv' (Conv, opset 17), attribute 'auto_pad': unsupported value"
            + " \"SAME_MIDDLE\"; supported: NOTSET, SAME_UPPER, SAME_LOWER, VALID",
        "supported op types", "Conv, ConvTranspose");
    assertFalse(m.contains("/relu"), m);
  }

  @Test
  void runTimeShapesAreRejectedNamingTheInput() {
    OnnxBuilder b = new OnnxBuilder(13).input("x", 2, 3)
        .typedInput("shape", TensorProto.DataType.INT64_VALUE, 2)
        .named("/view", "Reshape", s("x", "shape"), s("y")).output("y");
    ImportException e = assertThrows(ImportException.class, b::convert);
    assertContains(e.getMessage(), "node '/view' (Reshape, opset 13), input 'shape': expected a"
        + " compile-time constant", "'shape' depends on a graph input");
  }

  @Test
  void symbolicBatchNeedsAConcreteShape() throws Exception {
    OnnxBuilder b = new OnnxBuilder(17).input("x", -1, 4)
        .node("Relu", s("x"), s("y")).output("y");
    ImportException e = assertThrows(ImportException.class, b::convert);
    assertContains(e.getMessage(), "graph input 'x': expected fixed dims, but axis 0 (batch)"
        + " has symbolic dim 'N'; pass a concrete shape");
    assertEquals(1, e.problems().size(), "the Relu is not blamed: " + e.getMessage());

    Graph g = OnnxImporter.convert(b.build(), "test", Map.of("x", new int[] {5, 4}));
    assertEquals(Shape.of(5, 4), g.outputs().get(0).shape());

    ImportException bad = assertThrows(ImportException.class, () -> OnnxImporter.convert(
        b.build(), "test", Map.of("x", new int[] {5, 3}, "z", new int[] {1})));
    assertContains(bad.getMessage(), "expected dim 1 of the given shape to be 4 as the model"
        + " declares, but found 3", "input shape given for 'z', but the graph inputs are [x]");
  }

  @Test
  void opsetOutsideTheSupportedRangeIsNamed() {
    OnnxBuilder b = new OnnxBuilder(9).input("x", 2).node("Relu", s("x"), s("y")).output("y");
    ImportException e = assertThrows(ImportException.class, b::convert);
    assertContains(e.getMessage(), "expected default-domain opset 11 to 18, but found 9");
  }

  @Test
  void castOfRunTimeFloatToIntegerIsUnsupported() {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2)
        .named("/cast", "Cast", s("x"), s("y"), attr("to", 7L)).output("y");
    ImportException e = assertThrows(ImportException.class, b::convert);
    assertContains(e.getMessage(), "node '/cast' (Cast, opset 17), attribute 'to': unsupported"
        + " value \"INT64\"; supported: on run-time values, casts between float types");
  }

  @Test
  void badShapesAreReportedNotThrown() {
    OnnxBuilder b = new OnnxBuilder(17).input("x", 2, 3).floats("w", d(4, 5), new double[20])
        .named("/mm", "MatMul", s("x", "w"), s("y")).output("y");
    ImportException e = assertThrows(ImportException.class, b::convert);
    assertContains(e.getMessage(), "node '/mm' (MatMul, opset 17): expected matmul inner dims"
        + " to match, but found [2,3] and [4,5]");
  }

  @Test
  void unreadableFilesAreNamed(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("junk.onnx");
    Files.write(f, new byte[] {1, 2, 3, 4, 5});
    ImportException e = assertThrows(ImportException.class, () -> OnnxImporter.load(f));
    assertContains(e.getMessage(), f.toString(), "expected an ONNX model (ModelProto)");
    Path missing = dir.resolve("missing.onnx");
    ImportException e2 = assertThrows(ImportException.class, () -> OnnxImporter.load(missing));
    assertContains(e2.getMessage(), missing.toString(), "cannot read the model");
  }
}
