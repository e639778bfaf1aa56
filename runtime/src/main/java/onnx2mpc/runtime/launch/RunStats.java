package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Measurements of the running process and their JSON and one-line forms. */
final class RunStats {
  private RunStats() {}

  /** Peak resident set size (VmHWM in /proc/self/status) in MiB, or -1 where unavailable. */
  static double peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or a format we do not know: no number rather than a wrong one
    }
    return -1;
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  static String secs(double s) {
    return String.format(Locale.ROOT, "%.2f s", s);
  }

  /** A JSON number; -1 (unknown) and non-finite values become null. */
  static String num(double x) {
    if (x == -1 || Double.isNaN(x) || Double.isInfinite(x)) {
      return "null";
    }
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x)
        : String.format(Locale.ROOT, "%.6f", x);
  }

  /** A JSON string literal. */
  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** Turns any failure into the one line a user sees: "party 1: ...". */
  static String oneLine(String me, Throwable e) {
    String m = e.getMessage();
    String line;
    if (e instanceof java.nio.file.NoSuchFileException) {
      line = "no such file: " + m;
    } else if (e instanceof LaunchException || e instanceof IllegalArgumentException
        || e instanceof onnx2mpc.runtime.ProtocolException || e instanceof IOException
        || e instanceof java.io.UncheckedIOException) {
      line = m == null ? e.toString() : m;
    } else if (e instanceof OutOfMemoryError) {
      line = "out of memory (" + m + "); give the JVM more with -Xmx";
    } else {
      StackTraceElement[] st = e.getStackTrace();
      line = "internal error: " + e + (st.length > 0 ? " at " + st[0] : "")
          + " (run with --debug for the stack trace)";
    }
    line = line.replaceAll("\\s*\\R\\s*", " ");
    boolean prefixed = line.startsWith(me + ":") || line.startsWith(me + ",");
    return prefixed ? line : me + ": " + line;
  }
}
