package onnx2mpc.codegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The runtime a party jar must carry, copied from wherever it is on the compiler's class path:
 * class directories and separate jars in tests and IDEs, the one shaded CLI jar in production.
 * Every class path root that holds {@code onnx2mpc/runtime/} or {@code io/netty/} is found, both
 * through the class loader's resources and through the code sources of anchor classes (a jar
 * without directory entries has no resource for a directory).
 */
final class RuntimeClasses {
  /** Entry prefixes copied into every jar. */
  static final List<String> PREFIXES = List.of("onnx2mpc/runtime/", "io/netty/",
      "META-INF/native/libnetty");
  /** One class per jar the runtime depends on; missing ones are skipped. */
  private static final List<String> ANCHORS = List.of("onnx2mpc.runtime.Ctx",
      "io.netty.util.ReferenceCounted", "io.netty.buffer.ByteBuf", "io.netty.channel.Channel",
      "io.netty.resolver.AddressResolver", "io.netty.handler.codec.ByteToMessageDecoder",
      "io.netty.handler.ssl.SslHandler", "io.netty.channel.unix.Unix");

  private static volatile Map<String, byte[]> cached;

  private RuntimeClasses() {}

  /** Entry name to bytes, sorted by name; read once per compiler run. */
  static Map<String, byte[]> get() {
    Map<String, byte[]> c = cached;
    if (c == null) {
      synchronized (RuntimeClasses.class) {
        c = cached;
        if (c == null) {
          c = Collections.unmodifiableMap(collect(RuntimeClasses.class.getClassLoader()));
          if (!c.containsKey("onnx2mpc/runtime/Ctx.class")) {
            throw new IllegalStateException("expected the onnx2mpc runtime on the compiler's"
                + " class path, but found no onnx2mpc/runtime/Ctx.class in " + roots(
                    RuntimeClasses.class.getClassLoader()));
          }
          if (!c.containsKey("io/netty/channel/Channel.class")) {
            throw new IllegalStateException("expected Netty on the compiler's class path, but"
                + " found no io/netty/channel/Channel.class in "
                + roots(RuntimeClasses.class.getClassLoader()));
          }
          cached = c;
        }
      }
    }
    return c;
  }

  static Map<String, byte[]> collect(ClassLoader loader) {
    Map<String, byte[]> out = new TreeMap<>();
    for (Path root : roots(loader)) {
      try {
        if (Files.isDirectory(root)) {
          readDirectory(root, out);
        } else if (Files.isRegularFile(root)) {
          readJar(root, out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read runtime classes from " + root, e);
      }
    }
    return out;
  }

  /** Class path roots (directories or jars) that may hold runtime or Netty classes. */
  static Set<Path> roots(ClassLoader loader) {
    Set<Path> roots = new LinkedHashSet<>();
    for (String prefix : List.of("onnx2mpc/runtime/", "io/netty/")) {
      try {
        Enumeration<URL> urls = loader.getResources(prefix);
        while (urls.hasMoreElements()) {
          Path p = rootOf(urls.nextElement(), prefix);
          if (p != null) {
            roots.add(p);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String anchor : ANCHORS) {
      try {
        Class<?> c = Class.forName(anchor, false, loader);
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs != null && cs.getLocation() != null) {
          roots.add(Path.of(cs.getLocation().toURI()));
        }
      } catch (ClassNotFoundException | LinkageError | URISyntaxException
          | SecurityException | IllegalArgumentException e) {
        // Not every anchor exists in every setup (e.g. no native transport); skip it.
      }
    }
    return roots;
  }

  /** "jar:file:/a/b.jar!/io/netty/" -> /a/b.jar; "file:/a/classes/io/netty/" -> /a/classes. */
  private static Path rootOf(URL url, String prefix) {
    try {
      String s = url.toString();
      if (s.startsWith("jar:")) {
        int bang = s.indexOf("!/");
        return bang < 0 ? null : Path.of(URI.create(s.substring(4, bang)));
      }
      if (s.startsWith("file:") && s.endsWith(prefix)) {
        return Path.of(URI.create(s.substring(0, s.length() - prefix.length())));
      }
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      // An unusual URL (nested jar, custom scheme): the anchors still cover it.
    }
    return null;
  }

  static boolean wanted(String name) {
    if (name.endsWith("/") || name.endsWith("module-info.class")) {
      return false;
    }
    for (String p : PREFIXES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static void readDirectory(Path root, Map<String, byte[]> out) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String prefix : PREFIXES) {
      Path dir = root.resolve(prefix.substring(0, prefix.lastIndexOf('/')));
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    for (Path f : files) {
      String name = root.relativize(f).toString().replace('\\', '/');
      if (wanted(name)) {
        // The first root wins, as on a class path.
        out.putIfAbsent(name, Files.readAllBytes(f));
      }
    }
  }

  private static void readJar(Path jar, Map<String, byte[]> out) throws IOException {
    try (JarFile jf = new JarFile(jar.toFile(), false)) {
      Enumeration<JarEntry> en = jf.entries();
      while (en.hasMoreElements()) {
        JarEntry e = en.nextElement();
        if (wanted(e.getName()) && !out.containsKey(e.getName())) {
          try (InputStream in = jf.getInputStream(e)) {
            out.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
  }
}
