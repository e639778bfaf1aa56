package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * What the handshake tests share: options without key material, and a thread pool for the
 * processes a test runs beside its own thread, stopped (with any wire tap) after each test.
 */
abstract class HandshakeTestBase {
  static final NetOptions BASE = NetOptions.defaults()
      .withConnectTimeout(Duration.ofSeconds(10)).withRoundTimeout(Duration.ofSeconds(10));
  final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    Setup.wireTap = null;
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }
}
