package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM has spent so far on itself rather than on the protocol: the collectors' pauses
 * (which stop the program) and the JIT compilers' CPU time (which competes with it for the
 * cores). A repetition's share is the difference of two readings, so that {@code bench} can
 * say how much of an inference is the runtime's overhead.
 *
 * <p>Compiler CPU comes from {@code /proc/self/task} (Linux; the threads HotSpot names "C1
 * CompilerThread" and "C2 CompilerThread", in clock ticks of 10 ms), not from
 * {@code CompilationMXBean}, whose total is elapsed time and so counts the time a compiler
 * thread waits for a core as compiling: on 2 cores shared by three processes, several times
 * the CPU it used.
 */
final class JvmTimes {
  /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private JvmTimes() {}

  /** A reading of both totals, in seconds (-1 where the JVM or the system reports none). */
  record Reading(double gcS, double jitS) {
    /** This reading minus an earlier one; unknown stays unknown, never below zero. */
    Reading since(Reading earlier) {
      return new Reading(diff(gcS, earlier.gcS), diff(jitS, earlier.jitS));
    }

    private static double diff(double now, double then) {
      // A compiler thread that exits takes its ticks with it: the total may drop.
      return now < 0 || then < 0 ? -1 : Math.max(0, now - then);
    }
  }

  /** The totals since the JVM started. */
  static Reading now() {
    long gcMs = 0;
    boolean gcKnown = false;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      long t = gc.getCollectionTime();
      if (t >= 0) {
        gcMs += t;
        gcKnown = true;
      }
    }
    return new Reading(gcKnown ? gcMs / 1e3 : -1, compilerCpuSeconds());
  }

  private static double compilerCpuSeconds() {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            ticks += cpuTicks(Files.readString(task.resolve("stat")));
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked: its time is gone either way
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1; // not Linux
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** utime + stime of a /proc stat line (fields 14 and 15, counted after the command). */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state), so fields 14 and 15 are f[11] and f[12].
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
