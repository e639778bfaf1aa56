package onnx2mpc.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code onnx2mpc} command line: {@code compile}, {@code run}, {@code bench} and
 * {@code inspect}.
 *
 * <p>Exit codes: 0 success; 1 a run failed (a party or the dealer exited with an error, or the
 * run timed out) or its output did not match {@code --expected}; 2 the command line, the model
 * or the compilation was rejected. Errors print as one message; {@code --debug} adds the stack
 * trace.
 */
@Command(name = "onnx2mpc", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Compiles ONNX models to secure multi-party computation programs.",
    subcommands = {CompileCommand.class, RunCommand.class, BenchCommand.class,
        InspectCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit code of a failed run. */
  public static final int EXIT_RUN_FAILED = 1;
  /** Exit code of a rejected command line, model or compilation. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parse) -> {
      boolean debug = Arrays.asList(args).contains("--debug");
      line.getErr().println("onnx2mpc: error: " + message(e));
      if (debug) {
        e.printStackTrace(line.getErr());
      } else if (!(e instanceof UserError) && isBug(e)) {
        line.getErr().println("(an internal error; rerun with --debug for the stack trace)");
      }
      line.getErr().flush();
      return e instanceof UserError u ? u.exitCode() : EXIT_USAGE;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The exception's message, or for a message-less one its type and first frame. */
  static String message(Throwable e) {
    Throwable t = e;
    // Wrappers from reflection and executors say nothing of their own.
    while ((t instanceof java.lang.reflect.InvocationTargetException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (t instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + m;
    }
    if (t instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + m;
    }
    if (m == null || m.isBlank()) {
      // The first frame in onnx2mpc says more than one deep in the JDK.
      StackTraceElement at = null;
      for (StackTraceElement f : t.getStackTrace()) {
        if (at == null || f.getClassName().startsWith("onnx2mpc.")) {
          at = f;
          if (f.getClassName().startsWith("onnx2mpc.")) {
            break;
          }
        }
      }
      return t.getClass().getSimpleName() + (at != null ? " at " + at : "");
    }
    return m;
  }

  /** Exceptions that mean a bug in onnx2mpc rather than a problem with the input. */
  private static boolean isBug(Throwable e) {
    return e instanceof NullPointerException || e instanceof ClassCastException
        || e instanceof IndexOutOfBoundsException || e instanceof IllegalStateException
        || e instanceof ArithmeticException || e instanceof Error;
  }

  /** An error to report as is, with its exit code (no "internal error" hint). */
  static final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    UserError(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /** Version from the jar manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"onnx2mpc " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
