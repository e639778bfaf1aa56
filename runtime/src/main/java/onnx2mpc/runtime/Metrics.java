package onnx2mpc.runtime;

/**
 * Per-layer wall time and bytes, and per-round counts, as measured by one party. Time between
 * two {@link #enterLayer} calls is charged to the earlier layer; exchange time to the layer that
 * was current when the exchange started.
 */
public final class Metrics {
  /**
   * With {@code -Donnx2mpc.roundlog=true} every party prints, per round, the time it computed
   * since the previous round and the time the exchange took (waiting for peers included), to
   * see whether a layer is bound by computation or by the transport.
   */
  private static final boolean LOG = Boolean.getBoolean("onnx2mpc.roundlog");

  private final long[] layerNanos;
  private final long[] layerBytes;
  private final int[] layerRounds;
  private final int[] lastRoundOfLayer;
  private int current = -1;
  private long since = System.nanoTime();
  private int rounds;
  private long exchangeNanos;
  private long lastRoundEnd = System.nanoTime();

  public Metrics(int layers) {
    layerNanos = new long[layers];
    layerBytes = new long[layers];
    layerRounds = new int[layers];
    lastRoundOfLayer = new int[layers];
  }

  public void enterLayer(int index) {
    long now = System.nanoTime();
    if (current >= 0) {
      layerNanos[current] += now - since;
    }
    current = index;
    since = now;
  }

  public int currentLayer() {
    return current;
  }

  /** Bytes this party sends for a layer's share of an exchange; counts the layer's rounds too. */
  public void addLayerBytes(int layer, long bytes) {
    if (layer < 0) {
      return;
    }
    layerBytes[layer] += bytes;
    if (lastRoundOfLayer[layer] != rounds + 1) {
      lastRoundOfLayer[layer] = rounds + 1;
      layerRounds[layer]++;
    }
  }

  /** The online phase starts now: the round log measures its first round's computing from here. */
  public void startOnline() {
    lastRoundEnd = System.nanoTime();
  }

  public void round(int round, long nanos) {
    long now = System.nanoTime();
    if (LOG) {
      System.err.printf("round %d: compute %.1f ms, exchange %.1f ms%n", round,
          (now - nanos - lastRoundEnd) / 1e6, nanos / 1e6);
    }
    lastRoundEnd = now;
    rounds++;
    exchangeNanos += nanos;
  }

  /** Closes the current layer's timing. */
  public void finish() {
    enterLayer(-1);
  }

  public int rounds() {
    return rounds;
  }

  public long exchangeNanos() {
    return exchangeNanos;
  }

  public long[] layerNanos() {
    return layerNanos.clone();
  }

  public long[] layerBytes() {
    return layerBytes.clone();
  }

  public int[] layerRounds() {
    return layerRounds.clone();
  }
}
