package onnx2mpc.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Value;

/** Gemm, MatMul, Conv, ConvTranspose and BatchNormalization. */
final class LinearConverters {
  private LinearConverters() {}

  static void register(Map<String, Converter> m) {
    m.put("Gemm", LinearConverters::gemm);
    m.put("MatMul", c -> c.define(c.emit("tensor.matmul", List.of(c.in(0), c.in(1)),
        Attrs.NONE)));
    m.put("Conv", LinearConverters::conv);
    m.put("ConvTranspose", LinearConverters::convTranspose);
    m.put("BatchNormalization", LinearConverters::batchNorm);
  }

  private static List<Value> inputs(NodeContext c, int max) {
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < Math.min(max, c.inputCount()); i++) {
      ins.add(c.in(i));
    }
    return ins;
  }

  private static void gemm(NodeContext c) {
    Attrs a = Attrs.of("alpha", c.attrs.getFloat("alpha", 1.0), "beta",
        c.attrs.getFloat("beta", 1.0), "transA", c.attrs.getInt("transA", 0) != 0 ? 1 : 0,
        "transB", c.attrs.getInt("transB", 0) != 0 ? 1 : 0);
    c.define(c.emit("tensor.gemm", inputs(c, 3), a));
  }

  private static void conv(NodeContext c) {
    Shape x = c.shape(0);
    Shape w = c.shape(1);
    int[] k = Windows.kernelFromWeight(c, w);
    Windows.requireSpatial(c, x, k.length);
    int[] s = Windows.perAxis(c, "strides", k.length);
    int[] d = Windows.perAxis(c, "dilations", k.length);
    int[] p = Windows.pads(c, Windows.spatial(x), k, s, d);
    long group = c.attrs.getInt("group", 1);
    if (group < 1 || x.dim(1) % group != 0) {
      throw new ConversionException("group", "expected a positive divisor of the " + x.dim(1)
          + " input channels, but found " + group);
    }
    c.define(c.emit("tensor.conv", inputs(c, 3),
        Attrs.of("strides", s, "pads", p, "dilations", d, "group", group)));
  }

  /**
   * ConvTranspose. An explicit output_shape, or auto_pad SAME_* (output = input * stride), is
   * turned into pads by the ONNX formula total = stride*(in-1) + output_padding +
   * (k-1)*dilation + 1 - out; SAME_UPPER puts the smaller half first, otherwise the larger.
   */
  private static void convTranspose(NodeContext c) {
    Shape x = c.shape(0);
    Shape w = c.shape(1);
    int[] k = Windows.kernelFromWeight(c, w);
    int sp = k.length;
    Windows.requireSpatial(c, x, sp);
    int[] s = Windows.perAxis(c, "strides", sp);
    int[] d = Windows.perAxis(c, "dilations", sp);
    long group = c.attrs.getInt("group", 1);
    if (group < 1 || x.dim(1) % group != 0) {
      throw new ConversionException("group", "expected a positive divisor of the " + x.dim(1)
          + " input channels, but found " + group);
    }
    long[] op = c.attrs.getInts("output_padding", new long[sp]);
    if (op.length != sp) {
      throw new ConversionException("output_padding", "expected " + sp + " values, but found "
          + Arrays.toString(op));
    }
    int[] outPad = NodeContext.toInts(op, "output_padding");
    String auto = c.attrs.getString("auto_pad", "NOTSET");
    long[] outShape = c.attrs.getInts("output_shape", null);
    int[] in = Windows.spatial(x);
    int[] p = new int[2 * sp];
    if (outShape != null || auto.startsWith("SAME")) {
      if (!auto.equals("NOTSET") && !auto.startsWith("SAME")) {
        throw NodeContext.unsupported("auto_pad", auto, Windows.AUTO_PADS);
      }
      for (int i = 0; i < sp; i++) {
        long out = outShape != null ? outShape[outShape.length - sp + i] : (long) in[i] * s[i];
        long total = (long) s[i] * (in[i] - 1) + outPad[i] + (long) (k[i] - 1) * d[i] + 1 - out;
        if (total < 0) {
          throw new ConversionException("output_shape", "expected an output size reachable by"
              + " padding, but " + out + " on spatial axis " + i + " needs negative padding");
        }
        int small = (int) (total / 2);
        p[i] = auto.equals("SAME_UPPER") ? small : (int) total - small;
        p[i + sp] = (int) total - p[i];
      }
    } else if (auto.equals("NOTSET")) {
      long[] v = c.attrs.getInts("pads", new long[2 * sp]);
      if (v.length != 2 * sp || Arrays.stream(v).anyMatch(q -> q < 0)) {
        throw new ConversionException("pads", "expected " + 2 * sp + " non-negative values,"
            + " but found " + Arrays.toString(v));
      }
      p = NodeContext.toInts(v, "pads");
    } else if (!auto.equals("VALID")) {
      throw NodeContext.unsupported("auto_pad", auto, Windows.AUTO_PADS);
    }
    c.define(c.emit("tensor.conv_transpose", inputs(c, 3), Attrs.of("strides", s, "pads", p,
        "dilations", d, "group", group, "output_padding", outPad)));
  }

  private static void batchNorm(NodeContext c) {
    if (c.attrs.getInt("training_mode", 0) != 0) {
      throw NodeContext.unsupported("training_mode", 1, "0 (inference with running"
          + " statistics)");
    }
    c.requireUnusedOutputsFrom(1, "running statistics are outputs only in training");
    double eps = c.attrs.getFloat("epsilon", 1e-5);
    if (c.rank(0) < 2) {
      throw new ConversionException(null, "expected input of rank >= 2 ([N, C, ...]), but"
          + " found " + c.shape(0));
    }
    Value folded = BatchNormFolding.tryFold(c, eps);
    if (folded != null) {
      c.define(folded);
      return;
    }
    c.define(c.emit("tensor.batchnorm", inputs(c, 5), Attrs.of("epsilon", eps)));
  }
}
