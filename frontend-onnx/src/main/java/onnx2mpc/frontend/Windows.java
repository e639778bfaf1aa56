package onnx2mpc.frontend;

import java.util.Arrays;
import onnx2mpc.ir.Shape;

/**
 * Window attributes shared by Conv, ConvTranspose and the pools: defaults, validation, and
 * {@code auto_pad} resolved to explicit pads.
 */
final class Windows {
  static final String AUTO_PADS = "NOTSET, SAME_UPPER, SAME_LOWER, VALID";

  private Windows() {}

  /** Checks that the input is [N, C, L] or [N, C, H, W] for a window of {@code sp} axes. */
  static void requireSpatial(NodeContext c, Shape x, int sp) {
    if (sp < 1 || sp > 2) {
      throw new ConversionException("kernel_shape", "expected a 1-D or 2-D window, but found "
          + sp + "-D; supported: 1-D and 2-D " + c.node.getOpType());
    }
    if (x.rank() != sp + 2) {
      throw new ConversionException(null, "expected input of rank " + (sp + 2) + " ([N, C, "
          + (sp == 1 ? "L" : "H, W") + "]) for a " + sp + "-D window, but found " + x);
    }
  }

  /** An INTS attribute of {@code n} positive entries, defaulting to all ones. */
  static int[] perAxis(NodeContext c, String name, int n) {
    long[] v = c.attrs.getInts(name, null);
    if (v == null) {
      int[] ones = new int[n];
      Arrays.fill(ones, 1);
      return ones;
    }
    if (v.length != n) {
      throw new ConversionException(name, "expected " + n + " values (one per spatial axis),"
          + " but found " + Arrays.toString(v));
    }
    for (long x : v) {
      if (x < 1) {
        throw new ConversionException(name, "expected positive values, but found "
            + Arrays.toString(v));
      }
    }
    return NodeContext.toInts(v, name);
  }

  /**
   * The explicit pads [begin..., end...] of a forward window op (Conv, MaxPool, AveragePool).
   * SAME_UPPER and SAME_LOWER give ceil(in / stride) outputs, the odd pixel of padding going at
   * the end (UPPER) or the beginning (LOWER), per the ONNX Conv spec.
   */
  static int[] pads(NodeContext c, int[] in, int[] k, int[] s, int[] d) {
    int sp = k.length;
    String auto = c.attrs.getString("auto_pad", "NOTSET");
    int[] p = new int[2 * sp];
    switch (auto) {
      case "NOTSET" -> {
        long[] v = c.attrs.getInts("pads", new long[2 * sp]);
        if (v.length != 2 * sp) {
          throw new ConversionException("pads", "expected " + 2 * sp + " values (begins then"
              + " ends), but found " + Arrays.toString(v));
        }
        for (int i = 0; i < v.length; i++) {
          if (v[i] < 0) {
            throw new ConversionException("pads", "expected non-negative pads, but found "
                + Arrays.toString(v));
          }
        }
        p = NodeContext.toInts(v, "pads");
      }
      case "VALID" -> { }
      case "SAME_UPPER", "SAME_LOWER" -> {
        for (int i = 0; i < sp; i++) {
          int out = (in[i] + s[i] - 1) / s[i];
          int total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
          int small = total / 2;
          p[i] = auto.equals("SAME_UPPER") ? small : total - small;
          p[i + sp] = total - p[i];
        }
      }
      default -> throw NodeContext.unsupported("auto_pad", auto, AUTO_PADS);
    }
    return p;
  }

  static int[] spatial(Shape x) {
    return Arrays.copyOfRange(x.dims(), 2, x.rank());
  }

  /** The kernel shape of a conv from its weight, checked against kernel_shape if given. */
  static int[] kernelFromWeight(NodeContext c, Shape w) {
    int[] k = Arrays.copyOfRange(w.dims(), 2, w.rank());
    long[] attr = c.attrs.getInts("kernel_shape", null);
    if (attr != null && !Arrays.equals(NodeContext.toInts(attr, "kernel_shape"), k)) {
      throw new ConversionException("kernel_shape", "expected the weight's spatial dims "
          + Arrays.toString(k) + ", but found " + Arrays.toString(attr));
    }
    return k;
  }
}
