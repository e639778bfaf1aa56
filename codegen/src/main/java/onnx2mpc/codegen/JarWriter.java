package onnx2mpc.codegen;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.launch.ProgramInfo;

/**
 * Writes {@code party0.jar .. party<N-1>.jar} and {@code dealer.jar}: self-contained jars that
 * run with {@code java -jar} and nothing else on the class path. Each holds its generated
 * class, {@code onnx2mpc/program.txt}, the runtime and Netty (see {@link RuntimeClasses}), a
 * manifest naming the launcher, the program digest and the party, and the constants that
 * party may see: public ones everywhere, private ones only in their owner's jar; the dealer
 * sees none; and the TLS key material of {@link KeyMaterial}: the jar's own private key and
 * every process's certificate.
 *
 * <p>Jars are reproducible up to their keys: entries are in a fixed order with a fixed time
 * stamp, so that the same program with the same {@link KeyMaterial} compiles to the same bytes
 * (every compile draws fresh keys).
 */
public final class JarWriter {
  /** Main class of party jars. */
  public static final String PARTY_MAIN = PartyCode.LAUNCH_PACKAGE + ".PartyMain";
  /** Main class of the dealer jar. */
  public static final String DEALER_MAIN = PartyCode.LAUNCH_PACKAGE + ".DealerMain";
  /** Resource holding the program description the launcher reads. */
  public static final String PROGRAM_TXT = ProgramInfo.RESOURCE;
  /** A fixed entry time (the earliest a zip stores exactly), independent of the time zone. */
  private static final java.time.LocalDateTime FIXED_TIME =
      java.time.LocalDateTime.of(1980, 2, 1, 0, 0);

  private JarWriter() {}

  /** The jars written by {@link #write}. */
  public record Jars(List<Path> parties, Path dealer) {}

  /**
   * Writes all jars of {@code p} into {@code dir} (created if needed), with class files from
   * {@link BytecodeGen#all}.
   */
  public static Jars write(CompiledProgram p, Path dir) throws IOException {
    return write(p, BytecodeGen.all(p), dir);
  }

  /**
   * As {@link #write(CompiledProgram, Path)}, with the class files given by binary name and
   * fresh TLS key material ({@link KeyMaterial#generate}).
   */
  public static Jars write(CompiledProgram p, Map<String, byte[]> classes, Path dir)
      throws IOException {
    return write(p, classes, dir, KeyMaterial.generate(p.parties()));
  }

  /** As {@link #write(CompiledProgram, Map, Path)} with the given key material. */
  public static Jars write(CompiledProgram p, Map<String, byte[]> classes, Path dir,
      KeyMaterial keys) throws IOException {
    if (keys.certs().size() != p.parties() + 1) {
      throw new IllegalArgumentException("keys: expected certificates for " + p.parties()
          + " parties and the dealer, but found " + keys.certs().size());
    }
    Files.createDirectories(dir);
    Map<String, byte[]> runtime = RuntimeClasses.get();
    List<Path> parties = new ArrayList<>();
    List<Callable<Void>> jobs = new ArrayList<>();
    for (int k = 0; k < p.parties(); k++) {
      String cls = PartyCode.partyClass(k);
      // Entry name to byte[] or, for constants, long[] ring words encoded while writing.
      Map<String, Object> own = new LinkedHashMap<>();
      ProgramInfo info = info(p, true).party(k).programClass(cls).constantsVisibleTo(k).build();
      own.put(PROGRAM_TXT, info.write().getBytes(StandardCharsets.UTF_8));
      own.put(entryOf(cls), require(classes, cls));
      own.putAll(keys.entriesFor(k)); // its own private key only, and every certificate
      for (CompiledProgram.ConstSpec c : p.constants()) {
        if (c.owner() == ProgramInfo.PUBLIC || c.owner() == k) {
          own.put(ProgramInfo.constantResource(c.id()), c.words());
        }
      }
      Path jar = dir.resolve("party" + k + ".jar");
      Manifest mf = manifest(PARTY_MAIN, p.digest(), Integer.toString(k));
      jobs.add(() -> writeJar(jar, mf, own, runtime));
      parties.add(jar);
    }
    String dealerCls = PartyCode.dealerClass();
    Map<String, Object> own = new LinkedHashMap<>();
    // The dealer sees no constant: it only produces randomness.
    ProgramInfo dealerInfo = info(p, false).party(ProgramInfo.DEALER).programClass(dealerCls)
        .build();
    own.put(PROGRAM_TXT, dealerInfo.write().getBytes(StandardCharsets.UTF_8));
    own.put(entryOf(dealerCls), require(classes, dealerCls));
    own.putAll(keys.entriesFor(ProgramInfo.DEALER));
    Path dealer = dir.resolve("dealer.jar");
    Manifest mf = manifest(DEALER_MAIN, p.digest(), "dealer");
    jobs.add(() -> writeJar(dealer, mf, own, runtime));
    runAll(jobs);
    return new Jars(List.copyOf(parties), dealer);
  }

  /** Compressing jars is most of codegen's time; jars are independent, so write in parallel. */
  private static void runAll(List<Callable<Void>> jobs) throws IOException {
    int threads = Math.max(1, Math.min(jobs.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "onnx2mpc-jar-writer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Void>> done = pool.invokeAll(jobs);
      for (Future<Void> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing jars");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] require(Map<String, byte[]> classes, String name) {
    byte[] b = classes.get(name);
    if (b == null) {
      throw new IllegalArgumentException("expected a class file for " + name
          + ", but found only " + classes.keySet());
    }
    return b;
  }

  static String entryOf(String binaryName) {
    return binaryName.replace('.', '/') + ".class";
  }

  private static Manifest manifest(String main, String digest, String party) {
    Manifest m = new Manifest();
    Attributes a = m.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.put(Attributes.Name.MAIN_CLASS, main);
    a.putValue("Created-By", "onnx2mpc");
    a.putValue("Program-Digest", digest);
    a.putValue("Party-Id", party);
    return m;
  }

  /**
   * The description shared by every jar of {@code p}, with all constants or none; each jar
   * narrows it to its party, class and visible constants. Rounds count both phases.
   */
  static ProgramInfo.Builder info(CompiledProgram p, boolean constants) {
    ProgramInfo.Builder b = ProgramInfo.builder().parties(p.parties())
        .precision(p.precision()).digest(p.digest())
        .rounds(p.plan().rounds() + p.plan().offlineRounds());
    for (CompiledProgram.InputSpec in : p.inputs()) {
      b.input(in.id(), in.name(), in.owner(), in.scale(), in.real(), in.shape().dims());
    }
    for (int i = 0; i < p.outputs().size(); i++) {
      CompiledProgram.OutputSpec o = p.outputs().get(i);
      b.output(i, o.name(), o.scale(), o.toMask(), o.shape().dims());
    }
    for (CompiledProgram.ConstSpec c : constants ? p.constants()
        : List.<CompiledProgram.ConstSpec>of()) {
      b.constant(c.id(), c.name(), c.owner(), c.words().length);
    }
    for (int i = 0; i < p.layers().size(); i++) {
      String op = i < p.plan().layers().size() ? p.plan().layers().get(i).opType() : "";
      b.layer(i, p.layers().get(i), op);
    }
    return b;
  }

  /**
   * Manifest first (where {@link java.util.jar.JarInputStream} looks for it), then the
   * program's own entries, then the runtime; parent directories get entries of their own.
   * Written to a temporary file and moved into place, so a failed compile leaves no half jar.
   */
  private static Void writeJar(Path jar, Manifest mf, Map<String, Object> own,
      Map<String, byte[]> runtime) throws IOException {
    Map<String, Object> files = new LinkedHashMap<>(own);
    for (Map.Entry<String, byte[]> e : runtime.entrySet()) {
      files.putIfAbsent(e.getKey(), e.getValue());
    }
    TreeMap<String, Boolean> dirs = new TreeMap<>();
    for (String name : files.keySet()) {
      for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
        dirs.put(name.substring(0, i + 1), true);
      }
    }
    dirs.remove("META-INF/");
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp);
        JarOutputStream out = new JarOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
      // Most of a jar is the same runtime each time: fast compression keeps compiles quick for
      // a few percent of size.
      out.setLevel(java.util.zip.Deflater.BEST_SPEED);
      put(out, "META-INF/", null);
      java.io.ByteArrayOutputStream mfBytes = new java.io.ByteArrayOutputStream();
      mf.write(mfBytes);
      put(out, "META-INF/MANIFEST.MF", mfBytes.toByteArray());
      for (String d : dirs.keySet()) {
        put(out, d, null);
      }
      for (Map.Entry<String, Object> e : files.entrySet()) {
        if (e.getValue() instanceof long[] words) {
          putWords(out, e.getKey(), words);
        } else {
          put(out, e.getKey(), (byte[]) e.getValue());
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    return null;
  }

  /**
   * A constant's entry: its words little-endian, as {@link ProgramInfo#encodeConstant} would
   * give, encoded in small pieces so that large weights are never copied whole.
   */
  private static void putWords(JarOutputStream out, String name, long[] words)
      throws IOException {
    JarEntry e = new JarEntry(name);
    e.setTimeLocal(FIXED_TIME);
    out.putNextEntry(e);
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : words) {
      if (!b.hasRemaining()) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
      b.putLong(w);
    }
    out.write(b.array(), 0, b.position());
    out.closeEntry();
  }

  private static void put(JarOutputStream out, String name, byte[] data) throws IOException {
    JarEntry e = new JarEntry(name);
    e.setTimeLocal(FIXED_TIME);
    out.putNextEntry(e);
    if (data != null) {
      out.write(data);
    }
    out.closeEntry();
  }
}
