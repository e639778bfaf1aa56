package onnx2mpc.runtime.launch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx2mpc.runtime.Session;

/**
 * The {@code --repeat R} and {@code --warmup W} options of the party and dealer jars, and what
 * each repetition measured. A process runs W + R repetitions of the whole program (offline,
 * then online), each in its own epoch (see {@link Session#beginEpoch}), so each with fresh
 * masks and correlations; the first W warm the JIT and are reported but left out of the
 * medians.
 */
final class Repetitions {
  /**
   * What one repetition measured; times in seconds, bytes sent to the other processes (the
   * dealer's in {@code offlineBytes}), the JVM's own collector and compiler time during it,
   * per-layer values indexed by layer (empty for the dealer).
   */
  record Rep(int epoch, boolean warmup, double offlineS, double onlineS, double wallS,
      int offlineRounds, int onlineRounds, long offlineBytes, long onlineBytes,
      JvmTimes.Reading jvm, long[] layerNanos, long[] layerBytes, int[] layerRounds) {}

  final int repeat;
  final int warmup;
  private final List<Rep> reps = new ArrayList<>();

  private Repetitions(int repeat, int warmup) {
    this.repeat = repeat;
    this.warmup = warmup;
  }

  /**
   * Reads {@code --repeat} (default 1) and {@code --warmup} (default 1 when repeating, else 0).
   *
   * @throws LaunchException "--repeat: expected ..." for values out of range
   */
  static Repetitions of(CommandLine cl) {
    int repeat = count(cl, "--repeat", 1, 1);
    int warmup = count(cl, "--warmup", repeat > 1 ? 1 : 0, 0);
    if ((long) repeat + warmup > Session.MAX_EPOCHS) {
      throw new LaunchException("--repeat plus --warmup: expected at most " + Session.MAX_EPOCHS
          + ", but found " + ((long) repeat + warmup));
    }
    return new Repetitions(repeat, warmup);
  }

  private static int count(CommandLine cl, String name, int otherwise, int min) {
    String v = cl.get(name);
    if (v == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LaunchException(name + ": expected an integer >= " + min + ", but found '" + v
        + "'");
  }

  /** W + R: the number of epochs. */
  int total() {
    return warmup + repeat;
  }

  boolean isWarmup(int epoch) {
    return epoch < warmup;
  }

  void add(Rep r) {
    reps.add(r);
  }

  List<Rep> all() {
    return List.copyOf(reps);
  }

  /** The repetitions after the warm-up (all of them if there was none to leave out). */
  List<Rep> measured() {
    List<Rep> m = reps.stream().filter(r -> !r.warmup()).toList();
    return m.isEmpty() ? List.copyOf(reps) : m;
  }

  Rep last() {
    return reps.get(reps.size() - 1);
  }

  /** The median of the measured repetitions' values (mean of the middle two if even). */
  double median(java.util.function.ToDoubleFunction<Rep> f) {
    double[] v = measured().stream().mapToDouble(f).toArray();
    return median(v);
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

  /** Per layer, the median over the measured repetitions of its time in nanoseconds. */
  long[] medianLayerNanos() {
    List<Rep> m = measured();
    int layers = m.get(0).layerNanos().length;
    long[] out = new long[layers];
    double[] v = new double[m.size()];
    for (int i = 0; i < layers; i++) {
      for (int r = 0; r < v.length; r++) {
        v[r] = m.get(r).layerNanos()[i];
      }
      out[i] = Math.round(median(v));
    }
    return out;
  }

  /**
   * The JSON members {@code "repeat"}, {@code "warmup"}, {@code "repetitions"} (one object
   * per repetition) and {@code "median"}, each line indented by two spaces and followed by a
   * comma; {@code party} selects the party's fields (times, rounds, bytes per phase) or the
   * dealer's (time and bytes); both have the collector's pauses and the compilers' time
   * ({@code gc_s}, {@code jit_s}).
   */
  String json(boolean party) {
    StringBuilder sb = new StringBuilder();
    sb.append("  \"repeat\": ").append(repeat).append(",\n");
    sb.append("  \"warmup\": ").append(warmup).append(",\n");
    sb.append("  \"repetitions\": [");
    String sep = "\n";
    for (Rep r : reps) {
      sb.append(sep).append("    {\"epoch\": ").append(r.epoch())
          .append(", \"warmup\": ").append(r.warmup());
      if (party) {
        sb.append(", \"offline_s\": ").append(RunStats.num(r.offlineS()))
            .append(", \"online_s\": ").append(RunStats.num(r.onlineS()))
            .append(", \"wall_s\": ").append(RunStats.num(r.wallS()))
            .append(", \"offline_rounds\": ").append(r.offlineRounds())
            .append(", \"online_rounds\": ").append(r.onlineRounds())
            .append(", \"offline_bytes_sent\": ").append(r.offlineBytes())
            .append(", \"online_bytes_sent\": ").append(r.onlineBytes());
      } else {
        sb.append(", \"wall_s\": ").append(RunStats.num(r.wallS()))
            .append(", \"bytes_sent\": ").append(r.offlineBytes());
      }
      sb.append(", \"gc_s\": ").append(RunStats.num(r.jvm().gcS()))
          .append(", \"jit_s\": ").append(RunStats.num(r.jvm().jitS()));
      sb.append('}');
      sep = ",\n";
    }
    sb.append("\n  ],\n");
    sb.append("  \"median\": {");
    if (party) {
      sb.append("\"offline_s\": ").append(RunStats.num(median(Rep::offlineS)))
          .append(", \"online_s\": ").append(RunStats.num(median(Rep::onlineS)))
          .append(", \"wall_s\": ").append(RunStats.num(median(Rep::wallS)))
          .append(", \"offline_bytes_sent\": ")
          .append(RunStats.num(median(r -> r.offlineBytes())))
          .append(", \"online_bytes_sent\": ")
          .append(RunStats.num(median(r -> r.onlineBytes())));
    } else {
      sb.append("\"wall_s\": ").append(RunStats.num(median(Rep::wallS)))
          .append(", \"bytes_sent\": ").append(RunStats.num(median(r -> r.offlineBytes())));
    }
    sb.append(", \"gc_s\": ").append(RunStats.num(median(r -> r.jvm().gcS())))
        .append(", \"jit_s\": ").append(RunStats.num(median(r -> r.jvm().jitS())));
    return sb.append("},\n").toString();
  }
}
