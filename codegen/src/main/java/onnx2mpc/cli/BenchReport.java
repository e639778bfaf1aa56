package onnx2mpc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import onnx2mpc.codegen.PlanWriter;

/**
 * What {@code onnx2mpc bench} reports, computed from the processes' stats files of a repeated
 * run (see {@code PartyMain}'s {@code --repeat}): per layer and in total, per inference.
 *
 * <p>Definitions. A repetition's end-to-end time is the slowest party's time from the start of
 * the repetition (all processes agree on it, see {@code Session.beginEpoch}) to its last
 * output; it includes the dealer's work, which party 0 waits for in its offline phase. Its
 * offline and online times are the slowest party's. Reported totals are medians over the
 * measured repetitions (warm-up excluded). Bytes are per inference, counted on the wire
 * (frame headers included): a party's online bytes are what it sends in the online phase; the
 * dealer's are everything it sends. Per layer (online only), time and rounds are the slowest
 * party's and bytes the larger of the parties' sends, each the median over repetitions as the
 * party measured it; the share is of the sum of the layer times.
 */
final class BenchReport {
  private final RunReport run;
  /** Per measured repetition: end-to-end, offline, online seconds (slowest party). */
  final double[] e2e;
  final double[] offline;
  final double[] online;

  BenchReport(RunReport run) {
    this.run = run;
    int parties = run.program.parties();
    List<List<Map<?, ?>>> reps = new ArrayList<>();
    for (int k = 0; k < parties; k++) {
      reps.add(measured(run.stats.get(Integer.toString(k))));
    }
    int n = reps.stream().mapToInt(List::size).min().orElse(0);
    e2e = new double[n];
    offline = new double[n];
    online = new double[n];
    for (int r = 0; r < n; r++) {
      for (List<Map<?, ?>> party : reps) {
        Map<?, ?> rep = party.get(r);
        e2e[r] = Math.max(e2e[r], RunReport.num(rep.get("wall_s"), 0));
        offline[r] = Math.max(offline[r], RunReport.num(rep.get("offline_s"), 0));
        online[r] = Math.max(online[r], RunReport.num(rep.get("online_s"), 0));
      }
    }
  }

  /** The non-warm-up repetitions a process reported, in order (empty if none). */
  private static List<Map<?, ?>> measured(Map<String, Object> stats) {
    List<Map<?, ?>> out = new ArrayList<>();
    if (stats != null && stats.get("repetitions") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m && !Boolean.TRUE.equals(m.get("warmup"))) {
          out.add(m);
        }
      }
    }
    return out;
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** A number from a process's {@code median} object, or -1. */
  private double medianOf(String label, String key) {
    Map<String, Object> s = run.stats.get(label);
    if (s != null && s.get("median") instanceof Map<?, ?> m) {
      return RunReport.num(m.get(key), -1);
    }
    return -1;
  }

  /** Online rounds per inference (every party takes part in each). */
  long onlineRounds() {
    return (long) num("0", "online_rounds", run.rounds());
  }

  long offlineRounds() {
    return (long) num("0", "offline_rounds", 0);
  }

  private double num(String label, String key, double dflt) {
    Map<String, Object> s = run.stats.get(label);
    return s == null ? dflt : RunReport.num(s.get(key), dflt);
  }

  /** Per inference: online bytes per party and the dealer's bytes, by label; -1 unknown. */
  Map<String, Long> bytesSent() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String l : run.labels()) {
      double b = l.equals("dealer") ? medianOf(l, "bytes_sent") : medianOf(l, "online_bytes_sent");
      m.put(l, Math.round(b));
    }
    return m;
  }

  /** Per inference: what each party sends in its offline phase (e.g. masked weights). */
  Map<String, Long> offlineBytesSent() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int k = 0; k < run.program.parties(); k++) {
      m.put(Integer.toString(k), Math.round(medianOf(Integer.toString(k),
          "offline_bytes_sent")));
    }
    return m;
  }

  /**
   * Per process, the median over measured repetitions of the JVM's own time ({@code gc_s}: the
   * collector's pauses, {@code jit_s}: the JIT compilers' CPU), by label; -1 unknown.
   */
  Map<String, Double> jvmSeconds(String key) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String l : run.labels()) {
      m.put(l, medianOf(l, key));
    }
    return m;
  }

  /** Everything every process sends for one inference: both phases and the dealer. */
  long bytesTotal() {
    long t = 0;
    for (long b : bytesSent().values()) {
      t += Math.max(b, 0);
    }
    for (long b : offlineBytesSent().values()) {
      t += Math.max(b, 0);
    }
    return t;
  }

  /** Layer rows: name, op, time_s, share, rounds, bytes_sent (see the class comment). */
  List<Map<String, Object>> layers() {
    List<Map<String, Object>> rows = new ArrayList<>();
    double total = 0;
    int parties = run.program.parties();
    for (int i = 0; i < run.program.layers().size(); i++) {
      double time = 0;
      long bytes = 0;
      long rounds = 0;
      for (int k = 0; k < parties; k++) {
        Map<String, Object> s = run.stats.get(Integer.toString(k));
        if (s != null && s.get("layers") instanceof List<?> ls && i < ls.size()
            && ls.get(i) instanceof Map<?, ?> l) {
          time = Math.max(time, RunReport.num(l.get("time_s"), 0));
          bytes = Math.max(bytes, (long) RunReport.num(l.get("bytes_sent"), 0));
          rounds = Math.max(rounds, (long) RunReport.num(l.get("rounds"), 0));
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", run.program.layers().get(i));
      row.put("op", i < run.program.plan().layers().size()
          ? run.program.plan().layers().get(i).opType() : "?");
      row.put("time_s", time);
      row.put("share", 0.0);
      row.put("rounds", rounds);
      row.put("bytes_sent", bytes);
      rows.add(row);
      total += time;
    }
    for (Map<String, Object> row : rows) {
      // Four digits are what a table shows; more would only lengthen the JSON.
      row.put("share", total > 0 ? Math.round((double) row.get("time_s") / total * 1e4) / 1e4
          : 0.0);
    }
    return rows;
  }

  /** The {@code --json} object (top-level keys documented on {@link BenchCommand}). */
  Map<String, Object> toJson(String model, int repeat, int warmup) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", model);
    root.put("parties", run.program.parties());
    root.put("repeat", repeat);
    root.put("warmup", warmup);
    // What the parties report ("tls" or "local"); absent from older jars' stats.
    Object transport = run.stats.getOrDefault("0", Map.of()).get("transport");
    if (transport != null) {
      root.put("transport", transport);
    }
    root.put("wall_s", median(e2e));
    root.put("offline_s", median(offline));
    root.put("online_s", median(online));
    root.put("rounds", onlineRounds());
    root.put("offline_rounds", offlineRounds());
    root.put("planned_rounds", run.program.plan().rounds());
    root.put("bytes_sent", unknownAsNull(bytesSent()));
    root.put("bytes_sent_offline", unknownAsNull(offlineBytesSent()));
    root.put("bytes_total", bytesTotal());
    Map<String, Object> rss = new LinkedHashMap<>();
    for (String l : run.labels()) {
      double r = run.peakRssMib.getOrDefault(l, -1.0);
      rss.put(l, r < 0 ? null : Math.round(r * 10) / 10.0);
    }
    root.put("peak_rss_mib", rss);
    root.put("gc_s", seconds(jvmSeconds("gc_s")));
    root.put("jit_s", seconds(jvmSeconds("jit_s")));
    root.put("max_abs_err", run.maxAbsErr);
    root.put("compile_s", run.compileS);
    List<Object> reps = new ArrayList<>();
    for (int r = 0; r < e2e.length; r++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("wall_s", e2e[r]);
      m.put("offline_s", offline[r]);
      m.put("online_s", online[r]);
      reps.add(m);
    }
    root.put("repetitions", reps);
    root.put("layers", layers());
    return root;
  }

  private static Map<String, Object> seconds(Map<String, Double> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v < 0 ? null : Math.round(v * 1e3) / 1e3));
    return out;
  }

  private static Map<String, Object> unknownAsNull(Map<String, Long> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v < 0 ? null : v));
    return out;
  }

  private static String perProcess(Map<String, Double> seconds) {
    StringBuilder sb = new StringBuilder();
    seconds.forEach((l, v) -> sb.append(sb.length() == 0 ? "" : ", ")
        .append(RunReport.processName(l)).append(' ')
        .append(v < 0 ? "?" : String.format(Locale.ROOT, "%.3f s", v)));
    return sb.toString();
  }

  /** The per-layer table, then the totals. */
  void print(PrintWriter pw, String errorAgainst) {
    List<Map<String, Object>> rows = layers();
    int w = 24;
    for (Map<String, Object> r : rows) {
      w = Math.max(w, Math.min(60, ((String) r.get("name")).length()));
    }
    String fmt = "%-" + w + "s  %-18s %10s %7s %7s %11s%n";
    pw.printf(Locale.ROOT, fmt, "ONNX node", "op", "time", "share", "rounds", "bytes");
    for (Map<String, Object> r : rows) {
      String name = (String) r.get("name");
      if (name.length() > w) {
        name = "..." + name.substring(name.length() - w + 3);
      }
      pw.printf(Locale.ROOT, fmt, name, r.get("op"),
          String.format(Locale.ROOT, "%.4f s", (double) r.get("time_s")),
          String.format(Locale.ROOT, "%.1f%%", 100 * (double) r.get("share")),
          r.get("rounds"), PlanWriter.bytes((long) r.get("bytes_sent")));
    }
    pw.println();
    pw.printf(Locale.ROOT, "end to end   %.3f s  (median of %d; offline %.3f s, online %.3f s)%n",
        median(e2e), e2e.length, median(offline), median(online));
    StringBuilder all = new StringBuilder();
    for (double t : e2e) {
      all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", t));
    }
    pw.println("repetitions  " + all + " s");
    pw.printf("rounds       %d online (planned %d), %d offline%n", onlineRounds(),
        run.program.plan().rounds(), offlineRounds());
    StringBuilder sent = new StringBuilder();
    Map<String, Long> off = offlineBytesSent();
    for (Map.Entry<String, Long> e : bytesSent().entrySet()) {
      String who = RunReport.processName(e.getKey());
      sent.append(sent.length() == 0 ? "" : ", ").append(who).append(' ')
          .append(e.getValue() < 0 ? "?" : PlanWriter.bytes(e.getValue()));
      Long o = off.get(e.getKey());
      if (o != null && o > 0) {
        sent.append(" (+ ").append(PlanWriter.bytes(o)).append(" offline)");
      }
    }
    pw.println("bytes sent   " + sent + " per inference");
    StringBuilder mem = new StringBuilder();
    for (String l : run.labels()) {
      double r = run.peakRssMib.getOrDefault(l, -1.0);
      mem.append(mem.length() == 0 ? "" : ", ").append(RunReport.processName(l)).append(' ')
          .append(r < 0 ? "?" : String.format(Locale.ROOT, "%.0f MiB", r));
    }
    pw.println("peak memory  " + mem);
    pw.println("jvm time     collector pauses " + perProcess(jvmSeconds("gc_s"))
        + "; compilers " + perProcess(jvmSeconds("jit_s")) + " per inference");
    if (run.maxAbsErr != null) {
      pw.printf(Locale.ROOT, "max abs err  %.3g vs %s%n", run.maxAbsErr, errorAgainst);
    }
  }
}
