package onnx2mpc.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model families beyond the shared fixtures, built in the test: torchvision-style CNN blocks
 * (depthwise convolution, ReLU6, channel shuffle, branch concatenation, average pool counting
 * padding) and a TransformerEncoderLayer. Each runs in ONNX Runtime, in the interpreter, and
 * as a 2-party MPC program with the weights owned by party 0 and the input by party 1.
 */
class ModelFamiliesTest {
  /**
   * Transformer layer: two layer norms, each within {@link Tolerance#LAYER_NORM} of its input,
   * after attention whose softmax is within {@link Tolerance#SOFTMAX}; the errors of a norm's
   * input pass through it scaled by about 1/std, which these weights keep near 1.
   */
  static final Tolerance TRANSFORMER = new Tolerance("transformer",
      2 * Tolerance.LAYER_NORM.abs() + Tolerance.SOFTMAX.abs(), 2 * Tolerance.LAYER_NORM.rel());

  static Stream<Case> models() {
    return Stream.of(
        ModelGraphs.mobileNetV2Block().done("MobileNetV2 inverted residual (depthwise, ReLU6)",
            Tolerance.EXACT.times(4).as("mobilenet-block")),
        ModelGraphs.shuffleNetUnits().done("ShuffleNetV2 units (split, concat, shuffle)",
            Tolerance.EXACT.times(6).as("shufflenet-units")),
        ModelGraphs.inceptionBlock().done("Inception block (branches, avgpool count_include_pad)",
            Tolerance.EXACT.times(2).as("inception-block")),
        TransformerGraph.encoderLayer("transformer_ln17", 17, false).done(
            "TransformerEncoderLayer LayerNormalization ReLU, private weights, opset 17",
            TRANSFORMER),
        TransformerGraph.encoderLayer("transformer_ln17_public", 17, false).publicWeights()
            .done("TransformerEncoderLayer LayerNormalization ReLU, public weights, opset 17",
                TRANSFORMER),
        TransformerGraph.encoderLayer("transformer_decomposed14", 14, true).done(
            "TransformerEncoderLayer decomposed layer norm GELU, private weights, opset 14",
            TRANSFORMER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void interpreterMatchesOnnxRuntime(Case c) throws Exception {
    Conformance.interpreterMatchesOracle(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void twoPartyMpcMatchesOnnxRuntime(Case c) throws Exception {
    Conformance.mpcMatchesOracle(c, 2);
  }

  @AfterAll
  static void printErrors() {
    ErrorLog.print("models");
  }
}
