package onnx2mpc.runtime.launch;

import io.netty.util.ResourceLeakDetector;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the party and dealer jars set up Netty. Without {@code --debug}: its log is silent (every
 * failure reaches the user as one line of ours) and buffer leak detection is off. Netty's
 * default samples one pooled buffer in 128 and records where it was taken, a stack trace each
 * time, on the path that moves every message; leaks are the tests' business (they run with the
 * default), not each inference's. With {@code --debug}: Netty logs at INFO and samples as usual.
 */
final class NettySettings {
  private static final Logger NETTY_LOG = Logger.getLogger("io.netty");

  private NettySettings() {}

  static void apply(boolean debug) {
    NETTY_LOG.setLevel(debug ? Level.INFO : Level.OFF);
    ResourceLeakDetector.setLevel(debug ? ResourceLeakDetector.Level.SIMPLE
        : ResourceLeakDetector.Level.DISABLED);
  }
}
