package onnx2mpc.passes;

import java.util.List;

/**
 * What the compiler planned, per ONNX layer and in total: rounds, bytes each party sends, words
 * the dealer sends and correlations consumed. Runs are checked against it.
 *
 * @param layers one entry per ONNX node, in {@link CompiledProgram#layers()} order
 * @param rounds total online rounds (exchanges)
 * @param bytesSent bytes each party sends online, index = party
 * @param dealerBytes bytes the dealer sends (all to party 0)
 * @param offlineRounds exchanges before any input is read (weight masking, in the first
 *     repetition of a session only: later ones reuse the opening)
 * @param offlineBytesSent bytes each party sends in those exchanges
 * @param peakLiveBytes per party, the most buffer bytes alive at once under the memory plan
 */
public record Plan(List<LayerPlan> layers, int rounds, long[] bytesSent, long dealerBytes,
    int offlineRounds, long[] offlineBytesSent, long[] peakLiveBytes) {

  /** A JVM heap that holds the planned buffers with room for the collector to work. */
  public long recommendedHeapBytes() {
    long peak = 0;
    for (long b : peakLiveBytes) {
      peak = Math.max(peak, b);
    }
    return peak * 9 / 8 + (16L << 20);
  }

  /**
   * @param name ONNX node name
   * @param opType ONNX op type
   * @param rounds number of online exchanges in which this layer sends something
   * @param bytesSent bytes each party sends online for this layer
   * @param dealerBytes bytes the dealer sends for this layer's correlations
   * @param correlations e.g. {@code "owner_triple.conv x1, compare_mul x1"}
   */
  public record LayerPlan(String name, String opType, int rounds, long[] bytesSent,
      long dealerBytes, String correlations) {}
}
