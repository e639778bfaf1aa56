package onnx2mpc.bench.jmh;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the kernel benchmarks of this package with JMH and prints their scores in the units the
 * issue uses: GMAC/s for {@link GemmBench} and {@link ConvBench}, M elements/s for
 * {@link SliceBench}, GB/s (10^9 bytes) for {@link PrgBench}.
 *
 * <pre>
 * mvn -o -q install -DskipTests
 * java -cp benchmarks/target/benchmarks.jar onnx2mpc.bench.jmh.KernelBenchmarks [JMH OPTIONS]
 * java -jar benchmarks/target/benchmarks.jar onnx2mpc.bench.jmh    # plain JMH, same benchmarks
 * </pre>
 *
 * JMH options (e.g. {@code -f 1 -wi 3 -i 5}, a name regex, {@code -jvmArgsAppend
 * -Donnx2mpc.threads=1}) override the defaults: one fork, 3 warm-up and 5 measured iterations
 * of 1 s each.
 */
public final class KernelBenchmarks {
  private KernelBenchmarks() {}

  public static void main(String[] args) throws RunnerException {
    CommandLineOptions cl;
    try {
      cl = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("KernelBenchmarks: " + e.getMessage());
      System.exit(2);
      return;
    }
    ChainedOptionsBuilder o = new OptionsBuilder().parent(cl)
        .forks(cl.getForkCount().orElse(1))
        .warmupIterations(cl.getWarmupIterations().orElse(3))
        .warmupTime(cl.getWarmupTime().orElse(TimeValue.seconds(1)))
        .measurementIterations(cl.getMeasurementIterations().orElse(5))
        .measurementTime(cl.getMeasurementTime().orElse(TimeValue.seconds(1)));
    if (cl.getIncludes().isEmpty()) {
      o.include(KernelBenchmarks.class.getPackageName() + "\\.");
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    System.out.println();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      double perSecond = r.getPrimaryResult().getScore();
      double error = r.getPrimaryResult().getScoreError();
      String[] unit = unit(name);
      System.out.printf(Locale.ROOT, "%-48s %8.2f ± %.2f %s%n",
          name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
          perSecond / Double.parseDouble(unit[0]), error / Double.parseDouble(unit[0]), unit[1]);
    }
  }

  /** Divisor and unit of a benchmark's ops/s. */
  private static String[] unit(String benchmark) {
    if (benchmark.contains("Gemm") || benchmark.contains("Conv")) {
      return new String[] {"1e9", "GMAC/s"};
    }
    if (benchmark.contains("Prg")) {
      return new String[] {"1e9", "GB/s"};
    }
    return new String[] {"1e6", "M elements/s"};
  }
}
