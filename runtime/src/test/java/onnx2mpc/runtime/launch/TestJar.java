package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import onnx2mpc.runtime.io.FixedPoint;

/** The resources of a party or dealer jar, in memory or as a real jar file. */
final class TestJar implements JarResources {
  final Map<String, byte[]> files = new HashMap<>();
  /** One set of keys per party count, shared by the jars of every test program. */
  private static final Map<Integer, onnx2mpc.runtime.net.TestKeys> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Party {@code party}'s jar of a program. */
  static TestJar of(ProgramInfo template, int party) {
    return of(template.toBuilder().party(party).constantsVisibleTo(party).build());
  }

  /** The dealer's jar of a program, whose dealer class is {@code dealerClass}. */
  static TestJar dealer(ProgramInfo template, Class<?> dealerClass) {
    return of(template.toBuilder().party(ProgramInfo.DEALER).constantsVisibleTo(-1)
        .programClass(dealerClass.getName()).build());
  }

  static TestJar of(ProgramInfo info) {
    TestJar j = new TestJar();
    j.files.put(ProgramInfo.RESOURCE, info.write().getBytes(StandardCharsets.UTF_8));
    // As the compiler does: this process's own key and every process's certificate.
    j.files.putAll(KEYS.computeIfAbsent(info.parties(), onnx2mpc.runtime.net.TestKeys::new)
        .entries(info.isDealer() ? ProgramInfo.DEALER : info.party()));
    for (ProgramInfo.Constant c : info.constants()) {
      long[] bias = new long[(int) c.words()];
      java.util.Arrays.fill(bias, FixedPoint.encode(0.5, 16));
      j.files.put(ProgramInfo.constantResource(c.id()), ProgramInfo.encodeConstant(bias));
    }
    return j;
  }

  @Override
  public byte[] read(String path) {
    return files.get(path);
  }

  @Override
  public Class<?> loadClass(String name) throws ClassNotFoundException {
    return Class.forName(name, true, TestJar.class.getClassLoader());
  }

  /** Writes the resources as a jar (the classes come from the test class path). */
  Path writeJar(Path file) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        jar.putNextEntry(new JarEntry(e.getKey()));
        jar.write(e.getValue());
        jar.closeEntry();
      }
    }
    return file;
  }

  /**
   * A hosts file for two parties and a dealer on distinct free loopback ports: the three
   * sockets stay open until all ports are chosen.
   */
  static Path hosts(Path dir) throws IOException {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket d = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Files.writeString(dir.resolve("hosts.txt"), "0 127.0.0.1:" + a.getLocalPort()
          + "\n1 127.0.0.1:" + b.getLocalPort() + "\ndealer 127.0.0.1:" + d.getLocalPort()
          + "\n");
    }
  }
}
