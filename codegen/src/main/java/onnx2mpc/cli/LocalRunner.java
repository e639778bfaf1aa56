package onnx2mpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.codegen.JarWriter;
import onnx2mpc.codegen.Json;
import onnx2mpc.passes.CompiledProgram;

/**
 * Runs compiled jars on localhost: writes a hosts file with free loopback ports, starts the
 * dealer and every party as {@code java -jar} processes (the same java binary as this JVM),
 * gives each input file to its owner only, waits, and gathers the processes' stats into a
 * {@link RunReport}. Layout of {@code dir}: {@code hosts.txt}, {@code stats-K.json},
 * {@code stats-dealer.json}, {@code output-K.npy} at receiving parties, {@code party-K.out}.
 */
final class LocalRunner {
  private LocalRunner() {}

  /** The report and the revealed output file (the lowest receiving party's; null if none). */
  record Result(RunReport report, Path output) {}

  static Result run(CompiledProgram p, JarWriter.Jars jars, Map<String, Path> inputs, Path dir,
      List<String> jvmArgs, Duration timeout, PrintWriter err)
      throws IOException, InterruptedException, LocalCluster.Failure {
    return run(p, jars, inputs, dir, jvmArgs, List.of(), timeout, err);
  }

  /**
   * Like the other {@code run}, with {@code jarArgs} given to the dealer and to every party
   * (e.g. {@code --repeat 3}), after the runner's own arguments.
   */
  static Result run(CompiledProgram p, JarWriter.Jars jars, Map<String, Path> inputs, Path dir,
      List<String> jvmArgs, List<String> jarArgs, Duration timeout, PrintWriter err)
      throws IOException, InterruptedException, LocalCluster.Failure {
    // The processes run in dir: a relative dir (--keep out) would resolve twice in their paths.
    dir = dir.toAbsolutePath();
    Map<Integer, List<String>> given = assignInputs(p, inputs);
    jvmArgs = withMemoryDefaults(jvmArgs, p);
    Path hosts = writeHosts(dir.resolve("hosts.txt"), p.parties());
    int mask = p.outputs().isEmpty() ? 0 : p.outputs().get(0).toMask();
    List<LocalCluster.Spec> specs = new ArrayList<>();
    List<String> dealerArgs = new ArrayList<>(List.of("--stats",
        dir.resolve("stats-dealer.json").toString()));
    dealerArgs.addAll(jarArgs);
    specs.add(new LocalCluster.Spec("dealer", command(jvmArgs, jars.dealer(), hosts,
        dealerArgs)));
    for (int k = 0; k < p.parties(); k++) {
      List<String> extra = new ArrayList<>(given.getOrDefault(k, List.of()));
      if ((mask >>> k & 1) != 0) {
        extra.addAll(List.of("--output", dir.resolve("output-" + k + ".npy").toString()));
      }
      extra.addAll(List.of("--stats", dir.resolve("stats-" + k + ".json").toString()));
      extra.addAll(jarArgs);
      specs.add(new LocalCluster.Spec("party " + k, command(jvmArgs, jars.parties().get(k),
          hosts, extra)));
    }
    RunReport report = new RunReport(p);
    long start = System.nanoTime();
    try (LocalCluster cluster = LocalCluster.start(specs, dir, err)) {
      cluster.awaitAll(timeout);
      report.wallS = (System.nanoTime() - start) / 1e9;
      for (LocalCluster.Proc proc : cluster.procs()) {
        report.peakRssMib.put(proc.label.replace("party ", ""), proc.peakRssMib());
      }
    }
    for (String label : report.labels()) {
      Path f = dir.resolve("stats-" + label + ".json");
      if (Files.exists(f)) {
        Map<String, Object> st = asMap(Json.parse(Files.readString(f)), f);
        report.stats.put(label, st);
        // The process's own VmHWM is exact; the runner's sampling may miss the last rise.
        double own = RunReport.num(st.get("peak_rss_mib"), -1);
        report.peakRssMib.merge(label, own, Math::max);
      }
    }
    Path out = null;
    if (mask != 0) {
      int receiver = Integer.numberOfTrailingZeros(mask);
      out = dir.resolve("output-" + receiver + ".npy");
      if (!Files.exists(out)) {
        throw new LocalCluster.Failure("party " + receiver + " exited without writing " + out);
      }
    }
    return new Result(report, out);
  }

  /**
   * The jars' arguments for {@code --transport} ({@code tls}: none, the jars' default); every
   * process this runner starts is on this machine, so {@code local} is always allowed.
   */
  static List<String> transportArgs(String transport) {
    return switch (transport) {
      case "tls" -> List.of();
      case "local" -> List.of("--transport", "local");
      default -> throw new Main.UserError("--transport: expected tls or local, but found '"
          + transport + "'", Main.EXIT_USAGE);
    };
  }

  /** Checks the input files against the program; returns each party's {@code --input} args. */
  static Map<Integer, List<String>> assignInputs(CompiledProgram p, Map<String, Path> inputs) {
    Map<Integer, List<String>> byParty = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (CompiledProgram.InputSpec in : p.inputs()) {
      names.add(in.name());
    }
    for (String name : inputs.keySet()) {
      if (!names.contains(name)) {
        throw new Main.UserError("--input: expected an input of the model (" + String.join(
            ", ", names) + "), but found '" + name + "'", Main.EXIT_USAGE);
      }
    }
    for (CompiledProgram.InputSpec in : p.inputs()) {
      Path f = inputs.get(in.name());
      if (f == null) {
        throw new Main.UserError("--input: expected data for every input of the model ("
            + String.join(", ", names) + "), but found none for '" + in.name() + "'",
            Main.EXIT_USAGE);
      }
      if (!Files.isRegularFile(f)) {
        throw new Main.UserError("--input " + in.name() + ": no such file " + f,
            Main.EXIT_USAGE);
      }
      byParty.computeIfAbsent(in.owner(), k -> new ArrayList<>()).addAll(List.of("--input",
          in.name() + "=" + f.toAbsolutePath()));
    }
    return byParty;
  }

  /**
   * The serial collector (the least memory beside the heap for a few large arrays; the parties
   * use the cores for kernels) with a small code cache, and a heap sized from the plan's peak
   * of live buffers, unless the user chose a heap or collector.
   */
  static List<String> withMemoryDefaults(List<String> jvmArgs, CompiledProgram p) {
    List<String> args = new ArrayList<>();
    if (jvmArgs.stream().noneMatch(a -> a.startsWith("-XX:+Use") && a.endsWith("GC"))) {
      args.add("-XX:+UseSerialGC");
      args.add("-XX:ReservedCodeCacheSize=48m");
    }
    if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
      args.add("-Xmx" + Math.max(256, p.plan().recommendedHeapBytes() >> 20) + "m");
    }
    args.addAll(jvmArgs);
    return args;
  }

  private static List<String> command(List<String> jvmArgs, Path jar, Path hosts,
      List<String> extra) {
    List<String> cmd = new ArrayList<>();
    // The same java as this JVM, so that a run never mixes Java versions.
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--hosts",
        hosts.toAbsolutePath().toString()));
    cmd.addAll(extra);
    return cmd;
  }

  /**
   * A hosts file with a free loopback port per process. All sockets are held open until every
   * port is chosen, so the ports are distinct; another program could still take one before the
   * process binds it, which the launcher reports as a bind failure.
   */
  static Path writeHosts(Path file, int parties) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      StringBuilder sb = new StringBuilder("# written by onnx2mpc run\n");
      for (int id = -1; id < parties; id++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        sb.append(id < 0 ? "dealer" : Integer.toString(id)).append(' ')
            .append("127.0.0.1:").append(s.getLocalPort()).append('\n');
      }
      Files.writeString(file, sb.toString());
      return file;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object json, Path f) {
    if (json instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException(f + ": expected a JSON object of run statistics");
  }
}
