package onnx2mpc.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.Plan;

/**
 * Writes what the compiler planned: {@code plan.txt}, a table per ONNX node (op type, rounds,
 * bytes each party sends, dealer bytes, correlations) with totals, and {@code plan.json} with
 * the same numbers (bytes exact, not rounded).
 */
public final class PlanWriter {
  private PlanWriter() {}

  /** Writes {@code dir/plan.txt} and {@code dir/plan.json}. */
  public static void write(CompiledProgram p, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("plan.txt"), text(p));
    Files.writeString(dir.resolve("plan.json"), json(p));
  }

  /** The plan as a readable table. */
  public static String text(CompiledProgram p) {
    Plan plan = p.plan();
    int n = p.parties();
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("#", "node", "op", "rounds"));
    for (int k = 0; k < n; k++) {
      head.add("sent p" + k);
    }
    head.add("dealer");
    head.add("correlations");
    rows.add(head.toArray(String[]::new));
    for (int i = 0; i < plan.layers().size(); i++) {
      Plan.LayerPlan l = plan.layers().get(i);
      List<String> r = new ArrayList<>(List.of(Integer.toString(i), l.name(), l.opType(),
          Integer.toString(l.rounds())));
      for (int k = 0; k < n; k++) {
        r.add(bytes(at(l.bytesSent(), k)));
      }
      r.add(bytes(l.dealerBytes()));
      r.add(l.correlations() == null ? "" : l.correlations());
      rows.add(r.toArray(String[]::new));
    }
    List<String> total = new ArrayList<>(List.of("", "total", "",
        Integer.toString(plan.rounds())));
    for (int k = 0; k < n; k++) {
      total.add(bytes(at(plan.bytesSent(), k)));
    }
    total.add(bytes(plan.dealerBytes()));
    total.add("");
    rows.add(total.toArray(String[]::new));

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "onnx2mpc plan: %d parties, %d fractional bits, %d layers, digest %s%n", n,
        p.precision(), plan.layers().size(), p.digest()));
    sb.append(String.format(Locale.ROOT,
        "online: %d rounds, %s sent by the parties in total; dealer: %s%n", plan.rounds(),
        bytes(sum(plan.bytesSent())), bytes(plan.dealerBytes())));
    if (plan.offlineRounds() > 0) {
      sb.append(String.format(Locale.ROOT,
          "offline: %d rounds before any input is read, %s sent by the parties in total"
              + " (masked weights: first inference of a session only)%n",
          plan.offlineRounds(), bytes(sum(plan.offlineBytesSent()))));
    }
    long peak = 0;
    for (long b : plan.peakLiveBytes()) {
      peak = Math.max(peak, b);
    }
    sb.append(String.format(Locale.ROOT,
        "memory: at most %s of live buffers per party; run the jars with -Xmx%dm%n", bytes(peak),
        plan.recommendedHeapBytes() >> 20));
    sb.append('\n');
    table(sb, rows);
    return sb.toString();
  }

  /** Left-aligned text columns, right-aligned numbers; the totals row after a rule. */
  private static void table(StringBuilder sb, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int c = 0; c < cols; c++) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    for (int ri = 0; ri < rows.size(); ri++) {
      String[] r = rows.get(ri);
      if (ri == rows.size() - 1) {
        int width = 0;
        for (int c = 0; c < cols - 1; c++) {
          width += w[c] + 2;
        }
        sb.append("-".repeat(width)).append('\n');
      }
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        boolean left = c == 1 || c == 2 || c == cols - 1;
        String cell = r[c];
        String padded = left ? String.format("%-" + w[c] + "s", cell)
            : String.format("%" + w[c] + "s", cell);
        line.append(padded).append(c == cols - 1 ? "" : "  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }

  /** The plan as JSON. */
  public static String json(CompiledProgram p) {
    Plan plan = p.plan();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("parties", p.parties());
    root.put("precision", p.precision());
    root.put("digest", p.digest());
    root.put("rounds", plan.rounds());
    root.put("bytes_sent", perParty(plan.bytesSent(), p.parties()));
    root.put("dealer_bytes", plan.dealerBytes());
    root.put("bytes_total", sum(plan.bytesSent()) + plan.dealerBytes());
    root.put("offline_rounds", plan.offlineRounds());
    root.put("peak_live_bytes", perParty(plan.peakLiveBytes(), p.parties()));
    root.put("offline_bytes_sent", perParty(plan.offlineBytesSent(), p.parties()));
    List<Object> layers = new ArrayList<>();
    for (int i = 0; i < plan.layers().size(); i++) {
      Plan.LayerPlan l = plan.layers().get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", i);
      m.put("name", l.name());
      m.put("op", l.opType());
      m.put("rounds", l.rounds());
      m.put("bytes_sent", perParty(l.bytesSent(), p.parties()));
      m.put("dealer_bytes", l.dealerBytes());
      m.put("correlations", l.correlations() == null ? "" : l.correlations());
      layers.add(m);
    }
    root.put("layers", layers);
    return Json.write(root);
  }

  private static Map<String, Object> perParty(long[] bytes, int parties) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k < parties; k++) {
      m.put(Integer.toString(k), at(bytes, k));
    }
    return m;
  }

  private static long at(long[] a, int i) {
    return a == null || i >= a.length ? 0 : a[i];
  }

  private static long sum(long[] a) {
    long s = 0;
    if (a != null) {
      for (long x : a) {
        s += x;
      }
    }
    return s;
  }

  /** 1536 -> "1.5 KiB"; exact below 1 KiB. */
  public static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
