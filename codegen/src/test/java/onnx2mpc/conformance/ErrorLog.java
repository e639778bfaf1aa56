package onnx2mpc.conformance;

import java.util.Map;
import java.util.TreeMap;

/**
 * The largest errors measured per op family and way of running, printed after each test class
 * so that a run shows how much of each tolerance is used, not only that it held.
 */
final class ErrorLog {
  /** Below this magnitude a relative error says nothing and is not recorded. */
  private static final double REL_FLOOR = 1e-2;
  private static final Map<String, double[]> MAX = new TreeMap<>();
  private static final Map<String, String> WORST = new TreeMap<>();
  private static final Map<String, java.util.List<String>> SKIPPED = new TreeMap<>();

  private ErrorLog() {}

  /** Records one element: absolute error, relative error, share of the tolerance used. */
  static synchronized void record(String caseName, String family, String way, double got,
      double want, Tolerance tol) {
    double err = Math.abs(got - want);
    String key = family + " [" + way + "]";
    double[] m = MAX.computeIfAbsent(key, k -> new double[4]);
    if (err / (tol.abs() + tol.rel() * Math.abs(want)) > m[2]) {
      WORST.put(key, caseName);
    }
    m[0] = Math.max(m[0], err);
    if (Math.abs(want) >= REL_FLOOR) {
      m[1] = Math.max(m[1], err / Math.abs(want));
    }
    m[2] = Math.max(m[2], err / (tol.abs() + tol.rel() * Math.abs(want)));
    m[3]++;
    if (Double.isNaN(err)) {
      m[0] = Double.NaN;
    }
  }

  /** Records a case skipped for want of lowerings, under each missing op. */
  static synchronized void skipped(java.util.List<String> missingOps, String caseAndWay) {
    for (String op : missingOps) {
      SKIPPED.computeIfAbsent(op, k -> new java.util.ArrayList<>()).add(caseAndWay);
    }
  }

  /** Prints and forgets what was recorded. */
  static synchronized void print(String title) {
    StringBuilder sb = new StringBuilder("\n== measured errors: " + title + " ==\n");
    sb.append(String.format("%-28s %10s %10s %7s %6s  %s%n", "family [way]", "max abs",
        "max rel", "of tol", "elems", "closest to its tolerance"));
    MAX.forEach((k, m) -> sb.append(String.format("%-28s %10.2e %10.2e %6.0f%% %6d  %s%n", k,
        m[0], m[1], 100 * m[2], (long) m[3], WORST.get(k))));
    SKIPPED.forEach((op, cases) -> sb.append("skipped, no lowering for ").append(op)
        .append(": ").append(cases.size()).append(" runs, e.g. ").append(cases.get(0))
        .append('\n'));
    System.out.print(sb);
    MAX.clear();
    WORST.clear();
    SKIPPED.clear();
  }
}
