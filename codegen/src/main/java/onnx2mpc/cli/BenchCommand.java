package onnx2mpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import onnx2mpc.codegen.Json;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code onnx2mpc bench MODEL.onnx [--input NAME=FILE|random] [--repeat R] [--json FILE]}:
 * compiles, runs the dealer and every party as separate JVMs on localhost (as {@code run}
 * does), each process repeating the whole protocol W + R times in one connection (see
 * {@code PartyMain}'s {@code --repeat}), and prints where the time, rounds and bytes go per
 * ONNX layer and in total, with the error against a plaintext evaluation of the same graph
 * ({@link Interpreter}) on the same inputs.
 *
 * <p>JSON ({@code --json}): {@code wall_s}, {@code offline_s}, {@code online_s} (medians, see
 * {@link BenchReport}), {@code rounds} (online), {@code offline_rounds}, {@code bytes_sent}
 * (per party online, and {@code dealer}), {@code bytes_sent_offline}, {@code bytes_total},
 * {@code peak_rss_mib} (per process), {@code gc_s} and {@code jit_s} (per process, the
 * median repetition's collector pauses and JIT compilers' CPU), {@code max_abs_err},
 * {@code repetitions}, {@code transport} ({@code tls} or {@code local}) and
 * {@code layers} (name, op, time_s, share, rounds, bytes_sent).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a model: compile, run dealer and parties as separate JVMs on"
        + " localhost, repeat, and report time, rounds, bytes and memory per layer and in"
        + " total, with the error against plaintext.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  Path model;

  @Option(names = "--input", paramLabel = "NAME=FILE.npy|NAME=random|random",
      description = "A graph input's data, or standard normal samples (repeatable); inputs"
          + " not given are random.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--repeat", paramLabel = "R", defaultValue = "3",
      description = "Measured repetitions (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
      description = "Repetitions run first and left out of the medians (default:"
          + " ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--expected", paramLabel = "FILE.npy",
      description = "Compare with this output instead of evaluating the model in plaintext.")
  Path expected;

  @Option(names = "--json", paramLabel = "FILE.json", description = "Write the results.")
  Path json;

  @Option(names = "--keep", paramLabel = "DIR",
      description = "Compile into DIR and keep the jars, inputs, stats and logs.")
  Path keep;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
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
    if (repeat < 1 || warmup < 0) {
      throw new Main.UserError("--repeat: expected R >= 1 and --warmup W >= 0, but found R = "
          + repeat + ", W = " + warmup, Main.EXIT_USAGE);
    }
    LocalRunner.transportArgs(transport); // a bad --transport fails before compiling
    long t0 = System.nanoTime();
    Graph g = load();
    CompiledProgram p = Build.compile(g, opts.toOptions(g));
    g = null; // compiled in place; the plaintext reference imports its own copy
    Path dir = keep != null ? keep : Files.createTempDirectory("onnx2mpc-bench");
    try {
      BenchInputs.Prepared in = BenchInputs.prepare(p, inputs, seed, Files.createDirectories(
          dir));
      Build.Artifacts a = Build.write(p, dir, false);
      double compileS = (System.nanoTime() - t0) / 1e9;
      err.printf("onnx2mpc bench: %s, %d parties, %d + %d repetitions, %s transport%n",
          model.getFileName(), p.parties(), warmup, repeat, transport);
      LocalRunner.Result r;
      try {
        List<String> jarArgs = new ArrayList<>(List.of("--repeat", Integer.toString(repeat),
            "--warmup", Integer.toString(warmup)));
        jarArgs.addAll(LocalRunner.transportArgs(transport));
        r = LocalRunner.run(p, a.jars(), in.files(), dir, jvmArgs, jarArgs,
            Duration.ofSeconds(timeoutSeconds), err);
      } catch (LocalCluster.Failure f) {
        err.println("onnx2mpc: bench failed: " + f.getMessage());
        if (keep == null) {
          err.println("(rerun with --keep DIR to keep the jars, hosts file and logs)");
        }
        return Main.EXIT_RUN_FAILED;
      }
      RunReport run = r.report();
      run.compileS = compileS;
      String against = null;
      if (r.output() != null) {
        NpyArray out = Npy.read(r.output());
        double[] want;
        if (expected != null) {
          want = Npy.read(expected).doubles();
          against = expected.toString();
        } else {
          want = plaintext(in.tensors());
          against = "plaintext";
        }
        run.compare(out.doubles(), want, out.shape());
      }
      BenchReport report = new BenchReport(run);
      report.print(pw, against);
      if (json != null) {
        Files.writeString(json, Json.write(report.toJson(model.toString(), repeat, warmup)));
      }
      return 0;
    } finally {
      if (keep == null) {
        deleteTree(dir);
      }
    }
  }

  /** A fresh import each time: compiling rewrites the graph it is given. */
  private Graph load() {
    return Build.load(model, opts.shapes());
  }

  /** The model's first output, evaluated in double precision on the same inputs. */
  private double[] plaintext(Map<String, Tensor> tensors) {
    Graph g = load();
    Map<Value, Tensor> out = Interpreter.run(g, tensors);
    return out.get(g.outputs().get(0)).reals();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is harmless.
    }
  }
}
