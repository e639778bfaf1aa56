package onnx2mpc.conformance;

import static onnx2mpc.conformance.CaseKit.d;
import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;

import java.util.List;

/**
 * Building blocks of torchvision classifiers as {@code torch.onnx.export} writes them (eval
 * mode, opset 17), with seeded weights of PyTorch's default init scale (uniform within
 * 1/sqrt(fan_in)), so that activations stay of order 1 and the exact-op tolerance applies.
 */
final class ModelGraphs {
  private ModelGraphs() {}

  /** Conv with bias; weights scaled by 1/sqrt(fan_in) like nn.Conv2d's default init. */
  static String conv(OnnxGraph g, String x, String name, int cin, int cout, int k, int stride,
      int group) {
    int pad = k / 2;
    double scale = 1 / Math.sqrt((double) cin / group * k * k);
    return g.op("Conv", List.of(x, g.weight(name + ".weight", scale, cout, cin / group, k, k),
        g.weight(name + ".bias", scale, cout)), i("group", group), ints("kernel_shape", k, k),
        ints("pads", pad, pad, pad, pad), ints("strides", stride, stride));
  }

  /** BatchNormalization in eval mode; the importer folds it into the conv before it. */
  static String bn(OnnxGraph g, String x, String name, int c) {
    return g.op("BatchNormalization", List.of(x, g.uniform(name + ".gamma", 0.8, 1.2, c),
        g.weight(name + ".beta", 0.1, c), g.weight(name + ".mean", 0.1, c),
        g.uniform(name + ".var", 0.8, 1.2, c)), OnnxGraph.f("epsilon", 1e-5));
  }

  /** ReLU6 as PyTorch 1.13 exports it: Clip with min and max from Constant nodes. */
  static String relu6(OnnxGraph g, String x) {
    String lo = g.op("Constant", List.of(), OnnxGraph.t("value",
        OnnxGraph.floatTensor("lo", d(), 0)));
    String hi = g.op("Constant", List.of(), OnnxGraph.t("value",
        OnnxGraph.floatTensor("hi", d(), 6)));
    return g.op("Clip", List.of(x, lo, hi));
  }

  static String relu(OnnxGraph g, String x) {
    return g.op("Relu", List.of(x));
  }

  /**
   * torchvision MobileNetV2 InvertedResidual with stride 1 and expand ratio 2 on [1,8,6,6]:
   * 1x1 expand + BN + ReLU6, 3x3 depthwise (group = channels) + BN + ReLU6, 1x1 project + BN,
   * residual Add. Four layers on the longest path.
   */
  static OnnxGraph mobileNetV2Block() {
    OnnxGraph g = new OnnxGraph("mobilenet_v2_block", 17);
    String x = g.input("input", -1, 1, 1, 8, 6, 6);
    String h = relu6(g, bn(g, conv(g, x, "expand", 8, 16, 1, 1, 1), "bn0", 16));
    h = relu6(g, bn(g, conv(g, h, "dw", 16, 16, 3, 1, 16), "bn1", 16));
    h = bn(g, conv(g, h, "project", 16, 8, 1, 1, 1), "bn2", 8);
    return g.output(g.op("Add", List.of(x, h)));
  }

  /**
   * torchvision ShuffleNetV2: a stride-2 unit (both branches on the input, concatenated) then
   * a stride-1 unit (x.chunk(2, dim=1) as Split, the right half through the branch), each
   * followed by channel_shuffle(groups=2) = view [N,2,C/2,H,W], transpose(1,2), view back.
   * Six convolutions deep.
   */
  static OnnxGraph shuffleNetUnits() {
    OnnxGraph g = new OnnxGraph("shufflenet_v2_units", 17);
    String x = g.input("input", -1, 1, 1, 8, 8, 8);
    String left = relu(g, conv(g, conv(g, x, "b1.dw", 8, 8, 3, 2, 8), "b1.pw", 8, 8, 1, 1, 1));
    String right = shuffleBranch(g, x, "b2", 8, 2);
    String y = shuffle(g, g.op("Concat", List.of(left, right), i("axis", 1)), 16, 4);
    String[] halves = g.ops("Split", 2, List.of(y, g.vec("chunks", 8, 8)), i("axis", 1));
    String z = g.op("Concat", List.of(halves[0], shuffleBranch(g, halves[1], "u2", 8, 1)),
        i("axis", 1));
    return g.output(shuffle(g, z, 16, 4));
  }

  private static String shuffleBranch(OnnxGraph g, String x, String name, int c, int stride) {
    String h = relu(g, conv(g, x, name + ".pw1", c, c, 1, 1, 1));
    h = conv(g, h, name + ".dw", c, c, 3, stride, c);
    return relu(g, conv(g, h, name + ".pw2", c, c, 1, 1, 1));
  }

  private static String shuffle(OnnxGraph g, String x, int c, int hw) {
    String v = g.op("Reshape", List.of(x, g.vec(x + ".shape5", 1, 2, c / 2, hw, hw)));
    String t = g.op("Transpose", List.of(v), ints("perm", 0, 2, 1, 3, 4));
    return g.op("Reshape", List.of(t, g.vec(x + ".shape4", 1, c, hw, hw)));
  }

  /**
   * A GoogLeNet-style Inception block on [1,4,8,8]: 1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3
   * average pool (stride 1, pad 1, count_include_pad = 1, PyTorch's default) then 1x1; all
   * with ReLU, concatenated along channels. Two layers deep.
   */
  static OnnxGraph inceptionBlock() {
    OnnxGraph g = new OnnxGraph("inception_block", 17);
    String x = g.input("input", -1, 1, 1, 4, 8, 8);
    String b1 = relu(g, conv(g, x, "b1", 4, 4, 1, 1, 1));
    String b2 = relu(g, conv(g, relu(g, conv(g, x, "b2a", 4, 3, 1, 1, 1)), "b2b", 3, 4, 3, 1,
        1));
    String b3 = relu(g, conv(g, relu(g, conv(g, x, "b3a", 4, 2, 1, 1, 1)), "b3b", 2, 4, 5, 1,
        1));
    String pool = g.op("AveragePool", List.of(x), ints("kernel_shape", 3, 3),
        ints("strides", 1, 1), ints("pads", 1, 1, 1, 1), i("count_include_pad", 1));
    String b4 = relu(g, conv(g, pool, "b4", 4, 4, 1, 1, 1));
    return g.output(g.op("Concat", List.of(b1, b2, b3, b4), i("axis", 1)));
  }
}
