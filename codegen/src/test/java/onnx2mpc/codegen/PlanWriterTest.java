package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx2mpc.passes.CompiledProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanWriterTest {
  @TempDir
  Path dir;

  @Test
  void textHasARowPerLayerAndTotals() {
    CompiledProgram p = TestPrograms.beaver(3);
    String t = PlanWriter.text(p);
    List<String> lines = t.lines().toList();
    assertTrue(lines.get(0).startsWith("onnx2mpc plan: 3 parties, 16 fractional bits, 4 layers"),
        t);
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("#")).findFirst()
        .orElseThrow());
    assertEquals("#  node     op      rounds  sent p0  sent p1  sent p2  dealer  correlations",
        lines.get(header));
    assertEquals("1  Mul_0    Mul          1     64 B    128 B    192 B    96 B  triple.mul x1",
        lines.get(header + 2));
    assertEquals("   total                 2    256 B    512 B    768 B   384 B",
        lines.get(lines.size() - 1));
  }

  @Test
  void jsonHasTheSameNumbers() throws Exception {
    CompiledProgram p = TestPrograms.beaver(2);
    PlanWriter.write(p, dir);
    Map<?, ?> j = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("plan.json")));
    assertEquals(2L, j.get("rounds"));
    assertEquals(Map.of("0", 256L, "1", 512L), j.get("bytes_sent"));
    assertEquals(384L, j.get("dealer_bytes"));
    List<?> layers = (List<?>) j.get("layers");
    assertEquals(p.layers().size(), layers.size());
    assertEquals("triple.mul x1", ((Map<?, ?>) layers.get(1)).get("correlations"));
    assertTrue(Files.readString(dir.resolve("plan.txt")).contains("total"));
  }

  @Test
  void bytesAreHumanReadable() {
    assertEquals("1023 B", PlanWriter.bytes(1023));
    assertEquals("1.5 KiB", PlanWriter.bytes(1536));
    assertEquals("44.7 MiB", PlanWriter.bytes(46_882_816));
  }
}
