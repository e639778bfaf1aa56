package onnx2mpc.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JvmTimesTest {
  /** A thread's /proc stat line: the command may hold spaces and parentheses. */
  @Test
  void cpuTicksAreUtimePlusStime() {
    String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 120 0 3 0 57 9 0 0 20"
        + " 0 14 0 1234 0 0";
    assertEquals(66, JvmTimes.cpuTicks(stat));
    assertEquals(7, JvmTimes.cpuTicks("7 (a) b) (c) R 1 7 7 0 -1 0 0 0 0 0 5 2 0 0"));
  }

  /**
   * Both totals are known here (HotSpot on Linux) and never run backwards; a collection's
   * pause may round to 0 ms, so only its sign is checked.
   */
  @Test
  void readingsGrowWithWork() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "not Linux");
    JvmTimes.Reading before = JvmTimes.now();
    long sink = 0;
    for (int i = 0; i < 200; i++) {
      long[] garbage = new long[1 << 16];
      garbage[i] = i;
      sink += garbage[i];
    }
    System.gc();
    JvmTimes.Reading spent = JvmTimes.now().since(before);
    assertTrue(spent.gcS() >= 0, "collector pauses " + spent + " after " + sink);
    assertTrue(spent.jitS() >= 0, spent.toString());
    assertEquals(-1, new JvmTimes.Reading(-1, 1).since(before).gcS());
  }
}
