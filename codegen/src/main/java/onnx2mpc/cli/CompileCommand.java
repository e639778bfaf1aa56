package onnx2mpc.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import onnx2mpc.codegen.PlanWriter;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompiledProgram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onnx2mpc compile MODEL.onnx -o DIR}: one jar per party, the dealer's, the plan. */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = "Compile an ONNX model to party0.jar .. party<N-1>.jar, dealer.jar,"
        + " plan.txt and plan.json.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  Path model;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
      description = "Directory for the jars and the plan (created if needed).")
  Path out;

  @Option(names = "--emit-java",
      description = "Also write each party's program as readable Java under DIR/java.")
  boolean emitJava;

  @Mixin
  CompileOpts opts;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter pw = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    Graph g = Build.load(model, opts.shapes());
    long t1 = System.nanoTime();
    CompiledProgram p = Build.compile(g, opts.toOptions(g));
    long t2 = System.nanoTime();
    Build.Artifacts a = Build.write(p, out, emitJava);
    long t3 = System.nanoTime();

    pw.printf("compiled %s for %d parties (%d fractional bits)%n", model.getFileName(),
        p.parties(), p.precision());
    List<Path> files = new ArrayList<>(a.jars().parties());
    files.add(a.jars().dealer());
    files.add(a.planTxt());
    files.add(a.planJson());
    for (Path f : files) {
      pw.printf("  %-40s %10s%n", f, PlanWriter.bytes(Files.size(f)));
    }
    if (a.javaDir() != null) {
      pw.printf("  %-40s%n", a.javaDir() + "/");
    }
    long sent = 0;
    for (long b : p.plan().bytesSent()) {
      sent += b;
    }
    pw.printf("plan: %d online rounds, %s sent by the parties, %s by the dealer%n",
        p.plan().rounds(), PlanWriter.bytes(sent), PlanWriter.bytes(p.plan().dealerBytes()));
    Build.timing(pw, t1 - t0, t2 - t1, t3 - t2);
    return 0;
  }
}
