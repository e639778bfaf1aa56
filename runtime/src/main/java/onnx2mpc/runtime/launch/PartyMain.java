package onnx2mpc.runtime.launch;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import onnx2mpc.runtime.BufferPool;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.io.NpyArray;
import onnx2mpc.runtime.net.Hosts;
import onnx2mpc.runtime.net.NetOptions;
import onnx2mpc.runtime.net.NetSession;

/**
 * Main-Class of a party jar:
 *
 * <pre>
 * java -jar partyK.jar --hosts FILE [--input NAME=FILE.npy]... [--output FILE.npy]
 *     [--stats FILE.json] [--repeat R] [--warmup W] [--timeout SECONDS]
 *     [--connect-timeout SECONDS] [--debug]
 * </pre>
 *
 * Reads the jar's {@link ProgramInfo}, checks that it was given exactly the inputs this party
 * owns (with their shapes), encodes them at their scales, connects to the other processes
 * ({@link NetSession}), runs the program's offline and then online phase, writes the outputs
 * it receives (the first to FILE, the others to FILE_1, FILE_2, ...; float64 for real outputs,
 * int64 otherwise; printed on stdout if no --output), prints a one-line summary on stderr and
 * writes the stats JSON. Any failure: one line "party K: ..." on stderr, the other processes
 * told, exit code 1; a stack trace only with --debug.
 *
 * <p>With {@code --repeat R} (and {@code --warmup W}, default 1 when R > 1) the program runs
 * W + R times in one connection, offline then online each time, every time in a new epoch of
 * the session, so with fresh masks and correlations (see {@link Repetitions}); the dealer and
 * every party must be given the same R and W. The outputs of the last repetition are written;
 * the stats JSON has every repetition's times, rounds and bytes and their medians over the R
 * measured ones, and its {@code offline_s}, {@code online_s} and {@code layers} are those
 * medians.
 */
public final class PartyMain {
  static final String USAGE = "usage: java -jar partyK.jar --hosts FILE [--input NAME=FILE.npy]..."
      + " [--output FILE.npy] [--stats FILE.json] [--repeat R] [--warmup W] [--timeout SECONDS]"
      + " [--connect-timeout SECONDS] [--transport tls|local] [--debug]";
  private static final Set<String> VALUED = Set.of("--hosts", "--input", "--output", "--stats",
      "--repeat", "--warmup", "--timeout", "--connect-timeout", "--transport");
  /** Held so that the level set on it is not lost to garbage collection. */

  private PartyMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err, JarResources.of(PartyMain.class.getClassLoader()));
    System.out.flush();
    // exit explicitly: a generated program may have started non-daemon threads.
    System.exit(code);
  }

  /** The whole run; returns the exit code (0 or 1) instead of exiting, for tests. */
  public static int run(String[] args, PrintStream out, PrintStream err, JarResources jar) {
    long t0 = System.nanoTime();
    boolean debug = List.of(args).contains("--debug");
    NettySettings.apply(debug);
    String me = "party";
    NetSession session = null;
    try {
      ProgramInfo info = ProgramInfo.load(jar);
      if (info.isDealer()) {
        throw new LaunchException("this is the dealer's jar; start it with DealerMain");
      }
      me = "party " + info.party();
      CommandLine cl = CommandLine.parse(args, VALUED, Set.of("--input"),
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
      Hosts hosts = Hosts.read(Path.of(cl.required("--hosts", "FILE"))).requireProgram(
          info.parties());
      List<ProgramInfo.Output> receives = PartyInputs.received(info);
      String output = cl.get("--output");
      if (output != null && receives.isEmpty()) {
        throw new LaunchException("this party receives no outputs; drop --output");
      }
      Repetitions reps = Repetitions.of(cl);
      Map<Integer, long[]> inputs = PartyInputs.read(info, cl.all("--input"));
      PartyProgram program = instantiate(info, jar, PartyProgram.class);
      JarProgramData data = new JarProgramData(info, jar, inputs);

      long tConnect = System.nanoTime();
      session = NetSession.connect(hosts, info.party(), info.parties(), info.digest(), net);
      long tConnected = System.nanoTime();
      // The masked weights: published in the first repetition, kept for the others.
      Map<Integer, long[]> kept = new java.util.HashMap<>();
      BufferPool pool = new BufferPool(); // value arrays, recycled across repetitions too
      session.useBufferPool(pool);
      for (int e = 0; e < reps.total(); e++) {
        reps.add(runOnce(session, e, reps, program, data, info.layerSlots(), kept, pool));
      }
      long sent = session.bytesSent();
      long received = session.bytesReceived();
      session.close();
      session = null;

      List<String> written = output != null
          ? PartyInputs.write(info, data.outputs(), Path.of(output))
          : List.of();
      if (output == null) {
        printOutputs(info, data.outputs(), out);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double rss = RunStats.peakRssMib();
      Repetitions.Rep last = reps.last();
      String times = reps.total() == 1
          ? "offline " + RunStats.secs(last.offlineS()) + ", online "
              + RunStats.secs(last.onlineS())
          : reps.total() + " repetitions, median offline "
              + RunStats.secs(reps.median(Repetitions.Rep::offlineS)) + ", online "
              + RunStats.secs(reps.median(Repetitions.Rep::onlineS));
      err.println(me + ": done in " + RunStats.secs(wall) + " (connect "
          + RunStats.secs((tConnected - tConnect) / 1e9) + ", " + times + "); "
          + (last.offlineRounds() + last.onlineRounds()) + " rounds; sent "
          + RunStats.mib(sent) + ", received " + RunStats.mib(received)
          + (rss >= 0 ? "; peak RSS " + Math.round(rss) + " MiB" : "")
          + (written.isEmpty() ? "" : "; output " + String.join(", ", written)));
      String stats = cl.get("--stats");
      if (stats != null) {
        Files.writeString(Path.of(stats), statsJson(info, reps, sent, received, wall,
            (tConnected - tConnect) / 1e9, rss, net.local() ? "local" : "tls"),
            StandardCharsets.UTF_8);
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

  /** Loads and instantiates the jar's generated class, checking its type. */
  static <T> T instantiate(ProgramInfo info, JarResources jar, Class<T> type) {
    Class<?> c;
    try {
      c = jar.loadClass(info.programClass());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new LaunchException("program class " + info.programClass() + " is not in this jar ("
          + e + ")");
    }
    if (!type.isAssignableFrom(c)) {
      throw new LaunchException("program class " + info.programClass() + " does not implement "
          + type.getName());
    }
    try {
      return type.cast(c.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new LaunchException("cannot instantiate " + info.programClass() + " (" + e + ")", e);
    }
  }

  private static void printOutputs(ProgramInfo info, SortedMap<Integer, long[]> got,
      PrintStream out) {
    for (ProgramInfo.Output o : PartyInputs.received(info)) {
      long[] w = got.get(o.index());
      if (w == null) {
        throw new LaunchException("the program finished without revealing output '" + o.name()
            + "'");
      }
      NpyArray a = PartyInputs.decode(o, w);
      StringBuilder sb = new StringBuilder(o.name() + " " + NpyArray.shapeString(o.dims()) + ":");
      int shown = Math.min(a.size(), 20);
      for (int i = 0; i < shown; i++) {
        sb.append(' ').append(o.real() ? Double.toString(a.getDouble(i)) : a.longs()[i]);
      }
      out.println(sb + (shown < a.size() ? " ... (" + a.size() + " values; use --output)" : ""));
    }
  }

  /**
   * One repetition in epoch {@code epoch}: waits for the peers to start it, then runs the
   * program's offline and online phases on fresh buffers and metrics. The previous
   * repetition's buffers are garbage by then, so repeating does not raise the peak memory.
   */
  private static Repetitions.Rep runOnce(NetSession session, int epoch, Repetitions reps,
      PartyProgram program, JarProgramData data, int layers, Map<Integer, long[]> kept,
      BufferPool pool) {
    session.beginEpoch(epoch, reps.total());
    Metrics metrics = new Metrics(layers);
    Ctx ctx = new Ctx(session, program.slots(), data, metrics, kept, pool);
    long b0 = session.bytesSent();
    JvmTimes.Reading jvm0 = JvmTimes.now();
    long tOffline = System.nanoTime();
    program.offline(ctx);
    // All parties start the online phase together (an empty exchange, tag 0, which no program
    // round uses), so that online time measures the protocol and not a slower peer's offline.
    session.exchange(0, new long[session.parties()][]);
    long tOnline = System.nanoTime();
    long b1 = session.bytesSent();
    int offlineRounds = metrics.rounds();
    metrics.startOnline();
    program.online(ctx);
    long tDone = System.nanoTime();
    ctx.releaseAll();
    metrics.finish();
    return new Repetitions.Rep(epoch, reps.isWarmup(epoch), (tOnline - tOffline) / 1e9,
        (tDone - tOnline) / 1e9, (tDone - tOffline) / 1e9, offlineRounds,
        metrics.rounds() - offlineRounds, b1 - b0, session.bytesSent() - b1,
        JvmTimes.now().since(jvm0), metrics.layerNanos(), metrics.layerBytes(),
        metrics.layerRounds());
  }

  /**
   * The {@code --stats} JSON: the transport ({@code tls} or {@code local}), totals of the
   * process ({@code bytes_sent}, {@code wall_s} from start to exit), the medians of the
   * measured repetitions ({@code offline_s}, {@code online_s}, per-layer {@code time_s}), the
   * last repetition's rounds and per-layer bytes (the same in every repetition), and every
   * repetition (see {@link Repetitions}).
   */
  static String statsJson(ProgramInfo info, Repetitions reps, long sent, long received,
      double wall, double connect, double rss, String transport) {
    Repetitions.Rep last = reps.last();
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"party\": ").append(info.party()).append(",\n");
    sb.append("  \"transport\": \"").append(transport).append("\",\n");
    sb.append("  \"rounds\": ").append(last.offlineRounds() + last.onlineRounds())
        .append(",\n");
    sb.append("  \"online_rounds\": ").append(last.onlineRounds()).append(",\n");
    sb.append("  \"offline_rounds\": ").append(last.offlineRounds()).append(",\n");
    sb.append("  \"bytes_sent\": ").append(sent).append(",\n");
    sb.append("  \"bytes_received\": ").append(received).append(",\n");
    sb.append("  \"connect_s\": ").append(RunStats.num(connect)).append(",\n");
    sb.append("  \"offline_s\": ").append(RunStats.num(reps.median(Repetitions.Rep::offlineS)))
        .append(",\n");
    sb.append("  \"online_s\": ").append(RunStats.num(reps.median(Repetitions.Rep::onlineS)))
        .append(",\n");
    sb.append("  \"wall_s\": ").append(RunStats.num(wall)).append(",\n");
    sb.append("  \"peak_rss_mib\": ").append(RunStats.num(rss)).append(",\n");
    sb.append(reps.json(true));
    sb.append("  \"layers\": [");
    long[] nanos = reps.medianLayerNanos();
    long[] layerBytes = last.layerBytes();
    int[] layerRounds = last.layerRounds();
    String sep = "\n";
    for (ProgramInfo.Layer l : info.layers()) {
      int i = l.index();
      sb.append(sep).append("    {\"name\": ").append(RunStats.str(l.name()))
          .append(", \"op\": ").append(RunStats.str(l.opType()))
          .append(", \"time_s\": ").append(RunStats.num(nanos[i] / 1e9))
          .append(", \"bytes_sent\": ").append(layerBytes[i])
          .append(", \"rounds\": ").append(layerRounds[i]).append('}');
      sep = ",\n";
    }
    sb.append(info.layers().isEmpty() ? "]\n" : "\n  ]\n");
    return sb.append("}\n").toString();
  }
}
