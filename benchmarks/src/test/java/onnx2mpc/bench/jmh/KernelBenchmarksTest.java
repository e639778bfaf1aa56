package onnx2mpc.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JMH annotation processor ran (its benchmark list is on the class path), and the cheap
 * benchmark bodies work; JMH itself never runs in the build.
 */
class KernelBenchmarksTest {
  @Test
  void jmhListsEveryKernelBenchmark() throws Exception {
    String list;
    try (InputStream in = KernelBenchmarks.class.getResourceAsStream("/META-INF/BenchmarkList")) {
      assertNotNull(in, "META-INF/BenchmarkList missing: the JMH annotation processor did not"
          + " run");
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String b : new String[] {"GemmBench", "ConvBench", "SliceBench", "PrgBench"}) {
      assertTrue(list.contains("onnx2mpc.bench.jmh." + b), b + " in " + list);
    }
  }

  @Test
  void sliceAndPrgBodiesProduceTheirOutput() {
    SliceBench s = new SliceBench();
    s.setup();
    long[] sliced = s.slice();
    assertEquals(36 * ((SliceBench.N + 63) / 64), sliced.length);
    // Row 0, block 0 holds bit 0 of the first 64 elements.
    long x0 = s.ctx.buf[1][0];
    assertEquals(x0 & 1, sliced[0] & 1);
    // 9 groups of less-than and equality, and the top row.
    assertEquals(19 * ((SliceBench.N + 63) / 64), s.compareLeaves().length);

    PrgBench p = new PrgBench();
    p.setup();
    long[] a = p.fill8MiB().clone();
    long[] b = p.fill8MiB();
    assertEquals(PrgBench.WORDS, a.length);
    assertTrue(a[0] != b[0] || a[1] != b[1], "each call is a fresh stream");
  }
}
