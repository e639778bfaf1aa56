package onnx2mpc.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one local run (the dealer and every party, each a {@code java -jar}), with
 * their stderr forwarded line by line under a {@code [party K]} / {@code [dealer]} prefix.
 *
 * <p>Failure handling: the first process to exit with an error is the one reported (peers that
 * fail afterwards usually only report the lost connection), every other process is killed, and
 * its last stderr lines go into the exception. On timeout, all are killed. A shutdown hook kills
 * them too if this JVM is interrupted, so no party outlives the run.
 */
final class LocalCluster implements AutoCloseable {
  /** Lines of stderr kept per process for the failure message. */
  private static final int TAIL = 12;

  /** What to start: a label ({@code party 0}, {@code dealer}) and the command. */
  record Spec(String label, List<String> command) {}

  /** A started process. */
  static final class Proc {
    final String label;
    final Process process;
    final Deque<String> stderrTail = new ArrayDeque<>();
    final List<Thread> pumps = new ArrayList<>();
    volatile long exitNanos;
    volatile long peakRssKib = -1;

    Proc(String label, Process process) {
      this.label = label;
      this.process = process;
    }

    synchronized void keep(String line) {
      if (stderrTail.size() == TAIL) {
        stderrTail.removeFirst();
      }
      stderrTail.addLast(line);
    }

    synchronized List<String> tail() {
      return new ArrayList<>(stderrTail);
    }

    /** Peak resident memory seen (Linux VmHWM), in MiB; -1 when unknown. */
    double peakRssMib() {
      return peakRssKib < 0 ? -1 : peakRssKib / 1024.0;
    }
  }

  /** A process failed or the run timed out; the message says which and why. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  private final List<Proc> procs = new ArrayList<>();
  private final PrintWriter err;
  private final Thread hook = new Thread(this::killAll, "onnx2mpc-kill-children");
  private final Thread sampler;

  private LocalCluster(PrintWriter err) {
    this.err = err;
    Runtime.getRuntime().addShutdownHook(hook);
    sampler = new Thread(this::sampleMemory, "onnx2mpc-rss");
    sampler.setDaemon(true);
  }

  /** Starts every process in order, with {@code dir} as the working directory. */
  static LocalCluster start(List<Spec> specs, Path dir, PrintWriter err) throws IOException {
    LocalCluster c = new LocalCluster(err);
    try {
      for (Spec s : specs) {
        ProcessBuilder pb = new ProcessBuilder(s.command()).directory(dir.toFile());
        Process p = pb.start();
        Proc proc = new Proc(s.label(), p);
        p.onExit().thenRun(() -> proc.exitNanos = System.nanoTime());
        // The party jars' stdout is their own report; we keep it in a log, not on screen.
        java.io.Writer log = Files.newBufferedWriter(
            dir.resolve(s.label().replace(' ', '-') + ".out"), StandardCharsets.UTF_8);
        proc.pumps.add(pump(p.getInputStream(), line -> write(log, line), s.label(), log));
        proc.pumps.add(pump(p.getErrorStream(), line -> {
          proc.keep(line);
          synchronized (err) {
            err.println("[" + proc.label + "] " + line);
            err.flush();
          }
        }, s.label(), null));
        c.procs.add(proc);
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    c.sampler.start();
    return c;
  }

  List<Proc> procs() {
    return procs;
  }

  /**
   * Waits until every process has exited successfully.
   *
   * @throws Failure naming the first process that failed with its last stderr lines, or the
   *     processes still running at the timeout
   */
  void awaitAll(Duration timeout) throws Failure, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Proc failed = null;
      boolean allDone = true;
      for (Proc p : procs) {
        if (p.process.isAlive()) {
          allDone = false;
        } else if (p.process.exitValue() != 0
            && (failed == null || p.exitNanos < failed.exitNanos)) {
          failed = p;
        }
      }
      if (failed != null) {
        // Give peers a moment: the earliest exit is the cause, later ones are the effect.
        Thread.sleep(200);
        for (Proc p : procs) {
          if (!p.process.isAlive() && p.process.exitValue() != 0
              && p.exitNanos < failed.exitNanos) {
            failed = p;
          }
        }
        killAll();
        drain(failed);
        List<String> tail = failed.tail();
        throw new Failure(failed.label + " failed (exit code " + failed.process.exitValue()
            + ")" + (tail.isEmpty() ? ", with no message" : ":\n  " + String.join("\n  ",
                tail)));
      }
      if (allDone) {
        for (Proc p : procs) {
          drain(p);
        }
        return;
      }
      if (System.nanoTime() > deadline) {
        List<String> running = new ArrayList<>();
        for (Proc p : procs) {
          if (p.process.isAlive()) {
            running.add(p.label);
          }
        }
        killAll();
        throw new Failure("timed out after " + timeout.toSeconds() + " s; still running: "
            + String.join(", ", running));
      }
      Thread.sleep(20);
    }
  }

  /** Waits briefly for a process's output to be read to the end. */
  private static void drain(Proc p) throws InterruptedException {
    for (Thread t : p.pumps) {
      t.join(2000);
    }
  }

  private void killAll() {
    for (Proc p : procs) {
      p.process.descendants().forEach(ProcessHandle::destroyForcibly);
      p.process.destroyForcibly();
    }
    for (Proc p : procs) {
      try {
        p.process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Polls each live process's peak RSS (VmHWM only grows, so the last sample is close). */
  private void sampleMemory() {
    while (procs.stream().anyMatch(p -> p.process.isAlive())) {
      for (Proc p : procs) {
        long kib = vmHwmKib(p.process.pid());
        if (kib > p.peakRssKib) {
          p.peakRssKib = kib;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** VmHWM of a Linux process in KiB, or -1 (not Linux, or the process is gone). */
  static long vmHwmKib(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Gone or not Linux: unknown.
    }
    return -1;
  }

  /** Reads lines until the process closes the stream; then closes {@code close}, if any. */
  private static Thread pump(InputStream in, java.util.function.Consumer<String> sink,
      String label, java.io.Closeable close) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // The process was killed: its pipe closed.
      } finally {
        if (close != null) {
          try {
            close.close();
          } catch (IOException e) {
            // A log is a convenience; losing it must not fail the run.
          }
        }
      }
    }, "onnx2mpc-pump-" + label);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void write(java.io.Writer log, String line) {
    try {
      log.write(line);
      log.write('\n');
    } catch (IOException e) {
      // The log is a convenience; losing it must not fail the run.
    }
  }

  @Override
  public void close() {
    killAll();
    sampler.interrupt();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway.
    }
  }
}
