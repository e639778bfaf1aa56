package onnx2mpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import onnx2mpc.codegen.BytecodeGen;
import onnx2mpc.codegen.JarWriter;
import onnx2mpc.codegen.JavaSourceGen;
import onnx2mpc.codegen.PlanWriter;
import onnx2mpc.frontend.ImportException;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Graph;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.passes.Pipeline;

/** The steps {@code compile} and {@code run} share: import, compile, write the artifacts. */
final class Build {
  private Build() {}

  /**
   * Imports an ONNX model, with concrete shapes for inputs whose shapes are symbolic; import
   * problems (every offending node, listed once) are a user error, not a stack trace.
   */
  static Graph load(Path model, Map<String, int[]> inputShapes) {
    if (!Files.isRegularFile(model)) {
      throw new Main.UserError("expected an ONNX model file, but found no file " + model,
          Main.EXIT_USAGE);
    }
    try {
      return OnnxImporter.load(model, inputShapes);
    } catch (ImportException e) {
      throw new Main.UserError(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  static CompiledProgram compile(Graph g, CompileOptions o) {
    return Pipeline.compile(g, o);
  }

  /** What {@link #write} produced. */
  record Artifacts(JarWriter.Jars jars, Path planTxt, Path planJson, Path javaDir) {}

  /** Jars, plan.txt and plan.json into {@code dir}; Java sources under dir/java if asked. */
  static Artifacts write(CompiledProgram p, Path dir, boolean emitJava) throws IOException {
    Files.createDirectories(dir);
    JarWriter.Jars jars = JarWriter.write(p, BytecodeGen.all(p), dir);
    PlanWriter.write(p, dir);
    Path java = null;
    if (emitJava) {
      java = dir.resolve("java");
      JavaSourceGen.writeTo(p, java);
    }
    return new Artifacts(jars, dir.resolve("plan.txt"), dir.resolve("plan.json"), java);
  }

  /** One line per phase: "import 0.41 s, compile 1.20 s, codegen 0.90 s". */
  static void timing(PrintWriter out, long... phaseNanos) {
    String[] names = {"import", "compile", "codegen"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < phaseNanos.length && i < names.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f s", names[i],
          phaseNanos[i] / 1e9));
    }
    out.println(sb);
  }
}
