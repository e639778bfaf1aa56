package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.net.Tls;
import onnx2mpc.runtime.launch.ProgramInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarWriterTest {
  @TempDir
  Path dir;

  @Test
  void jarsHoldTheirClassProgramAndOnlyTheConstantsTheyMaySee() throws IOException {
    CompiledProgram p = TestPrograms.beaver(3);
    JarWriter.Jars jars = JarWriter.write(p, dir);
    assertEquals(List.of(dir.resolve("party0.jar"), dir.resolve("party1.jar"),
        dir.resolve("party2.jar")), jars.parties());
    assertEquals(dir.resolve("dealer.jar"), jars.dealer());
    for (int k = 0; k < 3; k++) {
      try (JarFile jf = new JarFile(jars.parties().get(k).toFile())) {
        Attributes a = jf.getManifest().getMainAttributes();
        assertEquals("onnx2mpc.runtime.launch.PartyMain", a.getValue("Main-Class"));
        assertEquals(p.digest(), a.getValue("Program-Digest"));
        assertEquals(Integer.toString(k), a.getValue("Party-Id"));
        assertNotNull(jf.getEntry("onnx2mpc/gen/Party" + k + ".class"));
        assertEquals(null, jf.getEntry("onnx2mpc/gen/Party" + (k + 1) % 3 + ".class"));
        assertEquals(null, jf.getEntry("onnx2mpc/gen/Dealer.class"));
        assertNotNull(jf.getEntry("onnx2mpc/runtime/Ctx.class"));
        assertNotNull(jf.getEntry("onnx2mpc/runtime/ops/Arith.class"));
        assertNotNull(jf.getEntry("io/netty/channel/Channel.class"));
        assertNotNull(jf.getEntry("io/netty/buffer/ByteBuf.class"));
        assertNotNull(jf.getEntry("io/netty/util/ReferenceCounted.class"));
        // The weights are party 0's: only its jar carries them.
        assertEquals(k == 0, jf.getEntry("onnx2mpc/const/0.bin") != null);
        String txt = new String(jf.getInputStream(jf.getEntry("onnx2mpc/program.txt"))
            .readAllBytes(), StandardCharsets.UTF_8);
        ProgramInfo info = ProgramInfo.parse(txt, "program.txt");
        assertEquals(k, info.party());
        assertEquals("onnx2mpc.gen.Party" + k, info.programClass());
        assertEquals(p.digest(), info.digest());
        assertEquals(List.of(new ProgramInfo.Input(0, "x", 1, 16, true, new int[] {4})),
            info.inputs());
        assertEquals(List.of(new ProgramInfo.Output(0, "y", 32, 2, new int[] {4})),
            info.outputs());
        // A jar lists only the constants it carries.
        assertEquals(k == 0 ? List.of(new ProgramInfo.Constant(0, "W", 0, 4)) : List.of(),
            info.constants());
        assertEquals(p.layers().size(), info.layers().size());
        if (k == 0) {
          byte[] data = jf.getInputStream(jf.getEntry("onnx2mpc/const/0.bin")).readAllBytes();
          long[] words = new long[4];
          ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
          assertArrayEquals(TestPrograms.encode(TestPrograms.W, 16), words);
        }
      }
    }
    try (JarFile jf = new JarFile(jars.dealer().toFile())) {
      Attributes a = jf.getManifest().getMainAttributes();
      assertEquals("onnx2mpc.runtime.launch.DealerMain", a.getValue("Main-Class"));
      assertEquals("dealer", a.getValue("Party-Id"));
      assertNotNull(jf.getEntry("onnx2mpc/gen/Dealer.class"));
      assertEquals(null, jf.getEntry("onnx2mpc/const/0.bin"));
      String txt = new String(jf.getInputStream(jf.getEntry("onnx2mpc/program.txt"))
          .readAllBytes(), StandardCharsets.UTF_8);
      ProgramInfo info = ProgramInfo.parse(txt, "program.txt");
      assertTrue(info.isDealer());
      assertEquals("onnx2mpc.gen.Dealer", info.programClass());
      assertEquals(List.of(), info.constants());
    }
  }

  /** Same program and same keys, same bytes (every compile draws fresh keys). */
  @Test
  void jarsAreReproducible() throws IOException {
    CompiledProgram p = TestPrograms.truncated();
    KeyMaterial keys = KeyMaterial.generate(p.parties());
    JarWriter.write(p, BytecodeGen.all(p), dir.resolve("a"), keys);
    JarWriter.write(p, BytecodeGen.all(p), dir.resolve("b"), keys);
    for (String j : List.of("party0.jar", "party1.jar", "dealer.jar")) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(j)),
          Files.readAllBytes(dir.resolve("b").resolve(j)), j);
    }
  }

  /**
   * Every jar holds its own private key, whose public half is in its own certificate, and
   * every process's certificate; the keys of two compiles differ.
   */
  @Test
  void eachJarHasItsOwnKeyAndEveryCertificate() throws Exception {
    CompiledProgram p = TestPrograms.truncated();
    JarWriter.Jars jars = JarWriter.write(p, dir.resolve("a"));
    JarWriter.Jars again = JarWriter.write(p, dir.resolve("b"));
    java.util.Set<String> seenKeys = new java.util.HashSet<>();
    List<Path> all = new java.util.ArrayList<>(jars.parties());
    all.add(jars.dealer());
    for (int i = 0; i < all.size(); i++) {
      int self = i < p.parties() ? i : -1;
      try (JarFile jf = new JarFile(all.get(i).toFile())) {
        java.util.Map<Integer, byte[]> certs = new java.util.HashMap<>();
        for (int id = -1; id < p.parties(); id++) {
          certs.put(id, jf.getInputStream(jf.getEntry(Tls.certResource(id))).readAllBytes());
        }
        byte[] key = jf.getInputStream(jf.getEntry(Tls.KEY_RESOURCE)).readAllBytes();
        assertTrue(seenKeys.add(new String(key, StandardCharsets.US_ASCII)), "key reused");
        Tls.fromPem(self, key, certs); // parses with the JDK alone
        java.security.cert.X509Certificate own = Tls.parseCertificate(certs.get(self));
        assertEquals("CN=onnx2mpc " + (self < 0 ? "dealer" : "party " + self),
            own.getSubjectX500Principal().getName());
        java.security.PrivateKey priv = (java.security.PrivateKey) java.security.KeyFactory
            .getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(
                java.util.Base64.getMimeDecoder().decode(new String(key,
                    StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", ""))));
        java.security.Signature sig = java.security.Signature.getInstance("SHA256withECDSA");
        sig.initSign(priv);
        sig.update(new byte[] {1, 2, 3});
        byte[] signed = sig.sign();
        sig.initVerify(own.getPublicKey());
        sig.update(new byte[] {1, 2, 3});
        assertTrue(sig.verify(signed), "the key is the own certificate's");
        long keyEntries = jf.stream().filter(e -> e.getName().endsWith(".pem")).count();
        assertEquals(1, keyEntries, "only its own private key");
      }
    }
    try (JarFile a = new JarFile(jars.dealer().toFile());
        JarFile b = new JarFile(again.dealer().toFile())) {
      assertFalse(java.util.Arrays.equals(
          a.getInputStream(a.getEntry(Tls.KEY_RESOURCE)).readAllBytes(),
          b.getInputStream(b.getEntry(Tls.KEY_RESOURCE)).readAllBytes()), "fresh keys");
    }
  }

  /**
   * Self-contained: the generated class and everything it links to load from the jar alone,
   * with nothing of the test's class path visible (parent = platform loader).
   */
  @Test
  void jarsAreSelfContained() throws Exception {
    CompiledProgram p = TestPrograms.beaver(2);
    JarWriter.Jars jars = JarWriter.write(p, dir);
    for (Path jar : List.of(jars.parties().get(0), jars.parties().get(1), jars.dealer())) {
      try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()},
          ClassLoader.getPlatformClassLoader())) {
        String main;
        try (JarFile jf = new JarFile(jar.toFile())) {
          main = jf.getManifest().getMainAttributes().getValue("Main-Class");
        }
        Class.forName(main, true, l).getMethod("main", String[].class);
        String gen = jar.equals(jars.dealer()) ? "onnx2mpc.gen.Dealer"
            : "onnx2mpc.gen.Party" + jars.parties().indexOf(jar);
        Object prog = Class.forName(gen, true, l).getConstructor().newInstance();
        assertNotNull(prog);
        for (String name : List.of("io.netty.channel.nio.NioEventLoopGroup",
            "io.netty.handler.codec.LengthFieldBasedFrameDecoder",
            "io.netty.channel.socket.nio.NioSocketChannel")) {
          Class.forName(name, true, l);
        }
      }
    }
  }
}
