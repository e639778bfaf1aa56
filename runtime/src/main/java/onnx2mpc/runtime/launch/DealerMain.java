package onnx2mpc.runtime.launch;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import onnx2mpc.runtime.net.Hosts;
import onnx2mpc.runtime.net.NetDealerSession;
import onnx2mpc.runtime.net.NetOptions;

/**
 * Main-Class of dealer.jar:
 *
 * <pre>
 * java -jar dealer.jar --hosts FILE [--stats FILE.json] [--repeat R] [--warmup W]
 *     [--timeout SECONDS] [--connect-timeout SECONDS] [--debug]
 * </pre>
 *
 * Waits for every party to connect ({@link NetDealerSession}), runs the jar's
 * {@link DealerProgram} (which derives the parties' correlations from their seeds and streams
 * party 0's corrections), prints a one-line summary on stderr and writes stats JSON
 * ({@code bytes_sent}, {@code wall_s}, {@code peak_rss_mib}, and per repetition its time, bytes,
 * collector pauses and compiler CPU). Any failure: one line "dealer: ..." on stderr, the
 * parties told, exit code 1.
 *
 * <p>{@code --repeat} and {@code --warmup} must match the parties' (see {@link PartyMain}): the
 * dealer runs its program once per repetition, each time in a new epoch and only after every
 * party has started that repetition; the stats then list each repetition's time and bytes.
 */
public final class DealerMain {
  static final String USAGE = "usage: java -jar dealer.jar --hosts FILE [--stats FILE.json]"
      + " [--repeat R] [--warmup W] [--timeout SECONDS] [--connect-timeout SECONDS]"
      + " [--transport tls|local] [--debug]";

  private DealerMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err,
        JarResources.of(DealerMain.class.getClassLoader()));
    // The jar's Main-Class: the only place that exits; run() returns the code for tests.
    System.exit(code);
  }

  /** The whole run; returns the exit code (0 or 1) instead of exiting, for tests. */
  public static int run(String[] args, PrintStream out, PrintStream err, JarResources jar) {
    long t0 = System.nanoTime();
    boolean debug = List.of(args).contains("--debug");
    NettySettings.apply(debug);
    String me = "dealer";
    NetDealerSession session = null;
    try {
      ProgramInfo info = ProgramInfo.load(jar);
      if (!info.isDealer()) {
        throw new LaunchException("this is party " + info.party() + "'s jar, not the dealer's;"
            + " start it with PartyMain");
      }
      CommandLine cl = CommandLine.parse(args,
          Set.of("--hosts", "--stats", "--repeat", "--warmup", "--timeout", "--connect-timeout",
              "--transport"),
          Set.of(),
          Set.of("--debug", "--help"));
      if (cl.has("--help")) {
        out.println(USAGE);
        return 0;
      }
      NetOptions net = NetOptions.defaults()
          .withRoundTimeout(cl.seconds("--timeout", NetOptions.DEFAULT_ROUND_TIMEOUT))
          .withConnectTimeout(cl.seconds("--connect-timeout",
              NetOptions.DEFAULT_CONNECT_TIMEOUT));
      net = Transport.apply(net, cl.get("--transport"), JarKeys.load(jar, info));
      Hosts hosts = Hosts.read(Path.of(cl.required("--hosts", "FILE")))
          .requireProgram(info.parties());
      Repetitions reps = Repetitions.of(cl);
      DealerProgram program = PartyMain.instantiate(info, jar, DealerProgram.class);
      session = NetDealerSession.accept(hosts, info.parties(), info.digest(), net);
      for (int e = 0; e < reps.total(); e++) {
        session.beginEpoch(e, reps.total());
        long b0 = session.bytesSent();
        JvmTimes.Reading jvm0 = JvmTimes.now();
        long t = System.nanoTime();
        program.run(session);
        double s = (System.nanoTime() - t) / 1e9;
        reps.add(new Repetitions.Rep(e, reps.isWarmup(e), s, 0, s, 0, 0,
            session.bytesSent() - b0, 0, JvmTimes.now().since(jvm0), new long[0], new long[0],
            new int[0]));
      }
      long sent = session.bytesSent();
      session.close();
      session = null;
      double wall = (System.nanoTime() - t0) / 1e9;
      double rss = RunStats.peakRssMib();
      err.println(me + ": done in " + RunStats.secs(wall)
          + (reps.total() > 1 ? " (" + reps.total() + " repetitions)" : "") + "; sent "
          + RunStats.mib(sent) + (rss >= 0 ? "; peak RSS " + Math.round(rss) + " MiB" : ""));
      String stats = cl.get("--stats");
      if (stats != null) {
        String r = reps.json(false);
        Files.writeString(Path.of(stats), "{\n  \"bytes_sent\": " + sent + ",\n  \"wall_s\": "
            + RunStats.num(wall) + ",\n  \"peak_rss_mib\": " + RunStats.num(rss) + ",\n"
            + r.substring(0, r.length() - 2) + "\n}\n", StandardCharsets.UTF_8);
      }
      return 0;
    } catch (Throwable e) {
      String line = RunStats.oneLine(me, e);
      if (session != null) {
        session.abort(line);
      }
      err.println(line);
      if (debug) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }
}
