package onnx2mpc.frontend;

import java.util.Arrays;
import java.util.Map;
import onnx2mpc.frontend.Converters.Converter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Shape;

/** MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool. */
final class PoolConverters {
  private PoolConverters() {}

  static void register(Map<String, Converter> m) {
    m.put("MaxPool", c -> pool(c, true));
    m.put("AveragePool", c -> pool(c, false));
    m.put("GlobalAveragePool", c -> {
      if (c.rank(0) < 3) {
        throw new ConversionException(null, "expected input [N, C, ...] of rank >= 3, but"
            + " found " + c.shape(0));
      }
      c.define(c.emit("tensor.globalaveragepool", c.in(0)));
    });
    m.put("GlobalMaxPool", PoolConverters::globalMax);
  }

  private static void pool(NodeContext c, boolean max) {
    Shape x = c.shape(0);
    long[] kl = c.attrs.getInts("kernel_shape", null);
    if (kl == null) {
      throw new ConversionException("kernel_shape", "expected attribute 'kernel_shape', but it"
          + " is missing");
    }
    int[] k = NodeContext.toInts(kl, "kernel_shape");
    Windows.requireSpatial(c, x, k.length);
    if (Arrays.stream(k).anyMatch(v -> v < 1)) {
      throw new ConversionException("kernel_shape", "expected positive sizes, but found "
          + Arrays.toString(k));
    }
    int[] s = Windows.perAxis(c, "strides", k.length);
    int[] d = Windows.perAxis(c, "dilations", k.length);
    int[] p = Windows.pads(c, Windows.spatial(x), k, s, d);
    long ceil = c.attrs.getInt("ceil_mode", 0) != 0 ? 1 : 0;
    Attrs a;
    if (max) {
      c.requireUnusedOutputsFrom(1, "MaxPool indices are not supported");
      a = Attrs.of("kernel", k, "strides", s, "pads", p, "dilations", d, "ceil_mode", ceil);
      c.define(c.emit("tensor.maxpool", c.in(0), a));
    } else {
      if (Arrays.stream(d).anyMatch(v -> v != 1)) {
        throw NodeContext.unsupported("dilations", Arrays.toString(d), "all 1 for AveragePool");
      }
      long include = c.attrs.getInt("count_include_pad", 0) != 0 ? 1 : 0;
      a = Attrs.of("kernel", k, "strides", s, "pads", p, "count_include_pad", include,
          "ceil_mode", ceil);
      c.define(c.emit("tensor.averagepool", c.in(0), a));
    }
  }

  /** GlobalMaxPool is a max pool whose window is the whole plane. */
  private static void globalMax(NodeContext c) {
    Shape x = c.shape(0);
    int sp = x.rank() - 2;
    Windows.requireSpatial(c, x, sp);
    int[] ones = new int[sp];
    Arrays.fill(ones, 1);
    c.define(c.emit("tensor.maxpool", c.in(0), Attrs.of("kernel", Windows.spatial(x),
        "strides", ones, "pads", new int[2 * sp], "dilations", ones, "ceil_mode", 0)));
  }
}
