package onnx2mpc.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import onnx2mpc.codegen.PlanWriter;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.Plan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code onnx2mpc inspect MODEL.onnx}: the model's ops with their output shapes, whether
 * onnx2mpc can run each, and the planned cost per layer and in total.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "List a model's ops, output shapes, support and planned MPC cost.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  java.nio.file.Path model;

  @Mixin
  CompileOpts opts;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    Graph g = Build.load(model, opts.shapes());
    pw.printf("%s: %d inputs, %d ops, %d outputs%n", model.getFileName(), g.inputs().size(),
        g.nodes().size(), g.outputs().size());
    Map<String, Integer> owners = opts.ownersOf(g);
    for (Value in : g.inputs()) {
      pw.printf("  input  %-20s %-20s party %d%n", in.name(), in.type(), owners.get(in.name()));
    }

    // The compiler lists every node it cannot lower in one error; that is the support check.
    CompiledProgram p = null;
    String error = null;
    try {
      p = Build.compile(g, opts.toOptions(g));
    } catch (RuntimeException e) {
      if (e instanceof Main.UserError) {
        throw e;
      }
      error = Main.message(e);
      if (opts.debug) {
        e.printStackTrace(spec.commandLine().getErr());
      }
    }
    Map<String, Plan.LayerPlan> byName = new HashMap<>();
    if (p != null) {
      for (Plan.LayerPlan l : p.plan().layers()) {
        byName.putIfAbsent(l.name(), l);
      }
    }
    int parties = opts.parties;
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"node", "op", "output shape", "supported", "rounds", "sent/party",
        "dealer", "correlations"});
    for (Node n : g.nodes()) {
      String origin = n.origin() == null ? "" : n.origin();
      boolean unsupported = error != null && error.contains("node '" + origin + "'");
      // The unsupported-op error lists every offending node, so the others are supported.
      boolean listsAll = error != null && error.contains("no MPC lowering");
      Plan.LayerPlan l = byName.get(origin);
      String shapes = n.outputs().isEmpty() ? "" : n.outputs().get(0).shape().toString();
      rows.add(new String[] {origin, n.op().replace("tensor.", ""), shapes,
          unsupported ? "NO" : error == null || listsAll ? "yes" : "?",
          l == null ? "" : Integer.toString(l.rounds()),
          l == null ? "" : PlanWriter.bytes(max(l.bytesSent())),
          l == null ? "" : PlanWriter.bytes(l.dealerBytes()),
          l == null || l.correlations() == null ? "" : l.correlations()});
    }
    table(pw, rows);
    if (error != null) {
      pw.println();
      pw.println("cannot compile: " + error);
      return Main.EXIT_USAGE;
    }
    Plan plan = p.plan();
    pw.println();
    pw.printf("total: %d online rounds; sent per party:", plan.rounds());
    for (int k = 0; k < parties && k < plan.bytesSent().length; k++) {
      pw.printf(" p%d %s", k, PlanWriter.bytes(plan.bytesSent()[k]));
    }
    pw.printf("; dealer %s%n", PlanWriter.bytes(plan.dealerBytes()));
    return 0;
  }

  private static long max(long[] a) {
    long m = 0;
    if (a != null) {
      for (long x : a) {
        m = Math.max(m, x);
      }
    }
    return m;
  }

  static void table(PrintWriter pw, List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        w[c] = Math.max(w[c], r[c].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < r.length; c++) {
        sb.append(String.format("%-" + w[c] + "s", r[c])).append("  ");
      }
      pw.println(sb.toString().stripTrailing());
    }
  }
}
