package onnx2mpc.runtime.net;

import java.time.Duration;

/**
 * Transport settings.
 *
 * @param connectTimeout how long setup (dialing with retries, accepting, handshakes) may take
 *     in all; processes may start in any order within it
 * @param roundTimeout how long one exchange, one dealer message or one blocked send may wait
 * @param chunkBytes largest frame payload this process sends (receivers accept up to 4 MiB)
 * @param tls this process's key material for mutual TLS; null until set with {@link #withTls}
 *     or {@link #withLocal} or, for in-JVM tests only, {@link #withPlaintext}: a session
 *     refuses to start without
 * @param local the local transport: every process on this machine, plain TCP over loopback,
 *     peers authenticated with the key material but nothing encrypted ({@link LocalAuth})
 */
public record NetOptions(Duration connectTimeout, Duration roundTimeout, int chunkBytes,
    Tls tls, boolean local) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ROUND_TIMEOUT = Duration.ofSeconds(120);

  public NetOptions {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout: expected a positive duration, but found "
          + connectTimeout);
    }
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("roundTimeout: expected a positive duration, but found "
          + roundTimeout);
    }
    if (chunkBytes < 8 || chunkBytes > Wire.MAX_CHUNK_BYTES || chunkBytes % 8 != 0) {
      throw new IllegalArgumentException("chunkBytes: expected a multiple of 8 in 8.."
          + Wire.MAX_CHUNK_BYTES + ", but found " + chunkBytes);
    }
  }

  /** 30 s to connect, 120 s per round, 4 MiB chunks; no key material yet (see {@link #tls}). */
  public static NetOptions defaults() {
    return new NetOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_ROUND_TIMEOUT, Wire.MAX_CHUNK_BYTES,
        null, false);
  }

  public NetOptions withConnectTimeout(Duration d) {
    return new NetOptions(d, roundTimeout, chunkBytes, tls, local);
  }

  public NetOptions withRoundTimeout(Duration d) {
    return new NetOptions(connectTimeout, d, chunkBytes, tls, local);
  }

  public NetOptions withChunkBytes(int bytes) {
    return new NetOptions(connectTimeout, roundTimeout, bytes, tls, local);
  }

  /** Mutual TLS 1.3 with this key material on every connection. */
  public NetOptions withTls(Tls keys) {
    if (keys == null) {
      throw new IllegalArgumentException("tls: expected key material, but found null");
    }
    return new NetOptions(connectTimeout, roundTimeout, chunkBytes, keys, false);
  }

  /**
   * The local transport with this key material: for processes that all run on this machine
   * (every host in the hosts file a loopback address, which the session checks). Peers prove
   * their keys in the handshake; messages travel unencrypted over loopback, which only root can
   * read.
   */
  public NetOptions withLocal(Tls keys) {
    if (keys == null || keys.isPlaintext()) {
      throw new IllegalArgumentException("local: expected key material, but found " + keys);
    }
    return new NetOptions(connectTimeout, roundTimeout, chunkBytes, keys, true);
  }

  /** Whether connections run TLS (not with the local transport, nor in plaintext tests). */
  boolean encrypted() {
    return tls != null && !tls.isPlaintext() && !local;
  }

  /**
   * No TLS: seeds and shares travel in the clear. For in-JVM tests only; the launchers never
   * use it.
   */
  public NetOptions withPlaintext() {
    return new NetOptions(connectTimeout, roundTimeout, chunkBytes, Tls.PLAINTEXT, false);
  }

  /** "120 s", for messages. */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
  }
}
