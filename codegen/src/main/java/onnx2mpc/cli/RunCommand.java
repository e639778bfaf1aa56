package onnx2mpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import onnx2mpc.codegen.Json;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code onnx2mpc run MODEL.onnx --input NAME=FILE.npy}: compiles, then runs the dealer and
 * every party as separate JVMs on localhost, exactly as on separate machines (TCP between
 * them), and reports time, rounds, bytes, memory and the error against an expected output.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Compile and run a model on localhost: the dealer and each party in its own"
        + " JVM, talking over TCP.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  Path model;

  @Option(names = "--input", paramLabel = "NAME=FILE.npy", required = true,
      description = "A graph input's data (repeatable); given only to the input's owner.")
  Map<String, Path> inputs = new LinkedHashMap<>();

  @Option(names = "--output", paramLabel = "FILE.npy", description = "Write the revealed output.")
  Path output;

  @Option(names = "--expected", paramLabel = "FILE.npy",
      description = "Compare the output with this (max abs error, argmax agreement).")
  Path expected;

  @Option(names = "--tolerance", paramLabel = "T",
      description = "With --expected: exit 1 if the max abs error exceeds T.")
  Double tolerance;

  @Option(names = "--stats", paramLabel = "FILE.json", description = "Write run statistics.")
  Path statsFile;

  @Option(names = "--keep", paramLabel = "DIR",
      description = "Compile into DIR and keep the jars, hosts file, stats and logs.")
  Path keep;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "900",
      description = "Kill every process after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--transport", paramLabel = "tls|local", defaultValue = "tls",
      description = "How the processes talk: tls, mutual TLS as between machines, or local,"
          + " plain TCP over loopback with every peer still authenticated by its key"
          + " (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--jvm-arg", paramLabel = "ARG",
      description = "Extra option for every party and dealer JVM, e.g. --jvm-arg=-Xmx8g.")
  List<String> jvmArgs = new ArrayList<>();

  @Mixin
  CompileOpts opts;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    LocalRunner.transportArgs(transport); // a bad --transport fails before compiling
    Graph g = Build.load(model, opts.shapes());
    CompiledProgram p = Build.compile(g, opts.toOptions(g));
    // Input mistakes are found before the jars are written.
    LocalRunner.assignInputs(p, inputs);
    Path dir = keep != null ? keep : Files.createTempDirectory("onnx2mpc-run");
    try {
      Build.Artifacts a = Build.write(p, dir, false);
      double compileS = (System.nanoTime() - t0) / 1e9;
      LocalRunner.Result r;
      try {
        r = LocalRunner.run(p, a.jars(), inputs, dir, jvmArgs,
            LocalRunner.transportArgs(transport), Duration.ofSeconds(timeoutSeconds), err);
      } catch (LocalCluster.Failure f) {
        err.println("onnx2mpc: run failed: " + f.getMessage());
        if (keep == null) {
          err.println("(rerun with --keep DIR to keep the jars, hosts file and logs)");
        }
        return Main.EXIT_RUN_FAILED;
      }
      RunReport report = r.report();
      report.compileS = compileS;
      if (r.output() != null) {
        if (output != null) {
          // Every output the receiver wrote: FILE, FILE_1, FILE_2, ... as the launcher names
          // them.
          for (int k = 0; Files.exists(numbered(r.output(), k)); k++) {
            Files.copy(numbered(r.output(), k), numbered(output, k),
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
        if (expected != null) {
          NpyArray o = Npy.read(r.output());
          report.compare(o.doubles(), Npy.read(expected).doubles(), o.shape());
        }
      }
      report.printSummary(pw);
      if (statsFile != null) {
        Files.writeString(statsFile, Json.write(report.toJson()));
      }
      if (tolerance != null && report.maxAbsErr != null && report.maxAbsErr > tolerance) {
        err.printf("onnx2mpc: max abs error %.6g exceeds the tolerance %.6g%n",
            report.maxAbsErr, tolerance);
        return Main.EXIT_RUN_FAILED;
      }
      return 0;
    } finally {
      if (keep == null) {
        deleteTree(dir);
      }
    }
  }

  /** Output k's file: FILE for the first, FILE_k.npy for the others (PartyMain's naming). */
  static Path numbered(Path file, int k) {
    if (k == 0) {
      return file;
    }
    String name = file.getFileName().toString();
    int dot = name.endsWith(".npy") ? name.length() - 4 : name.length();
    return file.resolveSibling(name.substring(0, dot) + "_" + k + name.substring(dot));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is harmless.
    }
  }
}
