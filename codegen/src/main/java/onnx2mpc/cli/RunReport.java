package onnx2mpc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import onnx2mpc.codegen.PlanWriter;
import onnx2mpc.passes.CompiledProgram;

/**
 * What a local run measured, merged from every process's stats file and the runner's own
 * observations, printed as a summary and written as {@code --stats} JSON.
 *
 * <p>Per-process stats files are the launcher's: a JSON object with (at least) {@code rounds},
 * {@code bytes_sent}, {@code online_s} and {@code layers} (list of objects with {@code name},
 * {@code time_s}, {@code rounds}, {@code bytes_sent}) for a party, and {@code bytes_sent} for
 * the dealer. Missing keys count as unknown, not as zero.
 */
final class RunReport {
  final CompiledProgram program;
  /** Parsed stats by process label: "0", "1", ..., "dealer". */
  final Map<String, Map<String, Object>> stats = new LinkedHashMap<>();
  /** Peak RSS in MiB by process label, as sampled by the runner (-1 unknown). */
  final Map<String, Double> peakRssMib = new LinkedHashMap<>();
  double wallS;
  double compileS;
  Double maxAbsErr;
  int argmaxAgree = -1;
  int argmaxRows = -1;

  RunReport(CompiledProgram program) {
    this.program = program;
  }

  /** How the reports name a process: p0, p1, ... for parties, dealer for the dealer. */
  static String processName(String label) {
    return label.equals("dealer") ? "dealer" : "p" + label;
  }

  /** Party labels then "dealer", as used in every per-process map. */
  List<String> labels() {
    List<String> l = new ArrayList<>();
    for (int k = 0; k < program.parties(); k++) {
      l.add(Integer.toString(k));
    }
    l.add("dealer");
    return l;
  }

  static double num(Object o, double dflt) {
    return o instanceof Number n ? n.doubleValue() : dflt;
  }

  long bytesSent(String label) {
    Map<String, Object> s = stats.get(label);
    return s == null ? -1 : (long) num(s.get("bytes_sent"), -1);
  }

  /** Rounds as the parties counted them (all agree); the plan's when no party reported. */
  int rounds() {
    for (int k = 0; k < program.parties(); k++) {
      Map<String, Object> s = stats.get(Integer.toString(k));
      if (s != null && s.get("rounds") instanceof Number n) {
        return n.intValue();
      }
    }
    return program.plan().rounds();
  }

  /** The slowest party's online time: the parties finish together, the slowest sets it. */
  double onlineS() {
    double m = -1;
    for (int k = 0; k < program.parties(); k++) {
      Map<String, Object> s = stats.get(Integer.toString(k));
      if (s != null) {
        m = Math.max(m, num(s.get("online_s"), -1));
      }
    }
    return m;
  }

  /**
   * Per layer: time is the maximum over parties, bytes the sum over parties, rounds the
   * maximum (every party takes part in the same rounds).
   */
  List<Object> layers() {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < program.layers().size(); i++) {
      double time = 0;
      long bytes = 0;
      long rounds = 0;
      for (int k = 0; k < program.parties(); k++) {
        Map<String, Object> s = stats.get(Integer.toString(k));
        if (s != null && s.get("layers") instanceof List<?> ls && i < ls.size()
            && ls.get(i) instanceof Map<?, ?> l) {
          time = Math.max(time, num(l.get("time_s"), 0));
          bytes += (long) num(l.get("bytes_sent"), 0);
          rounds = Math.max(rounds, (long) num(l.get("rounds"), 0));
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", program.layers().get(i));
      m.put("op", i < program.plan().layers().size()
          ? program.plan().layers().get(i).opType() : "?");
      m.put("time_s", time);
      m.put("rounds", rounds);
      m.put("bytes_sent", bytes);
      out.add(m);
    }
    return out;
  }

  /** The {@code --stats} JSON object. */
  Map<String, Object> toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("parties", program.parties());
    root.put("rounds", rounds());
    Map<String, Object> sent = new LinkedHashMap<>();
    long total = 0;
    for (String l : labels()) {
      long b = bytesSent(l);
      sent.put(l, b < 0 ? null : b);
      total += Math.max(b, 0);
    }
    root.put("bytes_sent", sent);
    root.put("bytes_total", total);
    root.put("wall_s", wallS);
    root.put("online_s", onlineS() < 0 ? null : onlineS());
    root.put("compile_s", compileS);
    Map<String, Object> rss = new LinkedHashMap<>();
    for (String l : labels()) {
      double r = peakRssMib.getOrDefault(l, -1.0);
      rss.put(l, r < 0 ? null : Math.round(r * 10) / 10.0);
    }
    root.put("peak_rss_mib", rss);
    root.put("max_abs_err", maxAbsErr);
    if (argmaxRows >= 0) {
      root.put("argmax_agree", argmaxAgree);
      root.put("argmax_rows", argmaxRows);
    }
    root.put("layers", layers());
    return root;
  }

  void printSummary(PrintWriter pw) {
    pw.printf(Locale.ROOT, "wall time    %.2f s (compile %.2f s)%n", wallS, compileS);
    double online = onlineS();
    pw.printf(Locale.ROOT, "online time  %s%n", online < 0 ? "unknown"
        : String.format(Locale.ROOT, "%.3f s", online));
    // Parties count every exchange, the plan splits them into online and offline ones.
    int off = program.plan().offlineRounds();
    pw.printf("rounds       %d (planned %d online%s)%n", rounds(), program.plan().rounds(),
        off > 0 ? " + " + off + " offline" : "");
    StringBuilder sent = new StringBuilder();
    StringBuilder mem = new StringBuilder();
    for (String l : labels()) {
      String who = processName(l);
      long b = bytesSent(l);
      sent.append(sent.length() == 0 ? "" : ", ").append(who).append(' ')
          .append(b < 0 ? "?" : PlanWriter.bytes(b));
      double r = peakRssMib.getOrDefault(l, -1.0);
      mem.append(mem.length() == 0 ? "" : ", ").append(who).append(' ')
          .append(r < 0 ? "?" : String.format(Locale.ROOT, "%.0f MiB", r));
    }
    pw.println("bytes sent   " + sent);
    pw.println("peak memory  " + mem);
    if (maxAbsErr != null) {
      pw.printf(Locale.ROOT, "max abs err  %.6g vs expected%n", maxAbsErr);
    }
    if (argmaxRows >= 0) {
      pw.printf("argmax       agrees on %d of %d rows%n", argmaxAgree, argmaxRows);
    }
  }

  /**
   * Compares the revealed output with the expected one: max |out - expected| and, for a 2-D
   * output (rows of logits), on how many rows the argmax agrees.
   */
  void compare(double[] out, double[] expected, int[] shape) {
    if (out.length != expected.length) {
      throw new Main.UserError("--expected: expected " + out.length + " elements like the"
          + " output, but found " + expected.length, Main.EXIT_USAGE);
    }
    double m = 0;
    for (int i = 0; i < out.length; i++) {
      m = Math.max(m, Math.abs(out[i] - expected[i]));
    }
    maxAbsErr = m;
    if (shape.length == 2 && shape[0] > 0 && shape[1] > 0) {
      int rows = shape[0];
      int cols = shape[1];
      int agree = 0;
      for (int r = 0; r < rows; r++) {
        if (argmax(out, r * cols, cols) == argmax(expected, r * cols, cols)) {
          agree++;
        }
      }
      argmaxAgree = agree;
      argmaxRows = rows;
    }
  }

  private static int argmax(double[] a, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (a[off + i] > a[off + best]) {
        best = i;
      }
    }
    return best;
  }
}
