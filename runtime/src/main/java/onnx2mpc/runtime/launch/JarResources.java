package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a launcher reads from its own jar: resources by path (relative, without a leading
 * slash: {@code onnx2mpc/program.txt}, i.e. {@code /onnx2mpc/program.txt} for
 * {@link Class#getResource}) and the generated program class. Tests supply their own.
 */
public interface JarResources {
  /** The resource's bytes, or null if the jar has no such resource. */
  byte[] read(String path) throws IOException;

  /** Loads a class of the jar by binary name. */
  Class<?> loadClass(String name) throws ClassNotFoundException;

  /** Resources and classes of a class loader (the jar's own, in production). */
  static JarResources of(ClassLoader loader) {
    return new JarResources() {
      @Override
      public byte[] read(String path) throws IOException {
        try (InputStream in = loader.getResourceAsStream(path)) {
          return in == null ? null : in.readAllBytes();
        }
      }

      @Override
      public Class<?> loadClass(String name) throws ClassNotFoundException {
        return Class.forName(name, true, loader);
      }
    };
  }
}
