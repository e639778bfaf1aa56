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

  /**
   * A JVM heap that holds the planned buffers with room for the collector to work: a quarter
   * more than the peak, plus 24 MiB. With an eighth more (ResNet-18 224: 460 MiB), the serial
   * collector ran 5 to 6 full collections per inference at party 0, since weights and the
   * offline phase's values fill most of the old generation; with a quarter (519 MiB) about 3.5,
   * for 0.1 s less online and 70 MiB more peak RSS (about 665 MiB, under the 750 MB target).
   */
  public long recommendedHeapBytes() {
    long peak = 0;
    for (long b : peakLiveBytes) {
      peak = Math.max(peak, b);
    }
    return peak * 5 / 4 + (24L << 20);
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
