package onnx2mpc.bench.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny float32 reference interpreter for the ops a ResNet export uses (Conv, Relu, Add,
 * MaxPool, GlobalAveragePool, Flatten, Gemm). It knows nothing of the generator, so it can
 * infer intermediate shapes of both the reference and the generated graphs (neither has
 * value_info) and check that the generated weights give sane activations.
 */
final class FloatEval {
  /** A tensor: its shape and, unless only shapes were asked for, its data in C order. */
  record T(int[] shape, float[] data) {
    int size() {
      return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }
  }

  private FloatEval() {}

  /** Shapes of every initializer, graph input and node output, by tensor name. */
  static Map<String, int[]> shapes(ModelProto m) {
    Map<String, int[]> out = new LinkedHashMap<>();
    eval(m, null).forEach((k, v) -> out.put(k, v.shape()));
    return out;
  }

  /**
   * Runs the graph on {@code input} (the single graph input, shape as declared) or, when it
   * is null, only propagates shapes. Returns every tensor by name.
   */
  static Map<String, T> eval(ModelProto m, float[] input) {
    boolean compute = input != null;
    Map<String, T> env = new HashMap<>();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      int[] dims = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
      float[] data = null;
      if (compute) {
        FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer();
        data = new float[fb.remaining()];
        fb.get(data);
      }
      env.put(t.getName(), new T(dims, data));
    }
    var in = m.getGraph().getInput(0);
    int[] inShape = in.getType().getTensorType().getShape().getDimList().stream()
        .mapToInt(d -> (int) d.getDimValue()).toArray();
    env.put(in.getName(), new T(inShape, input));
    for (NodeProto n : m.getGraph().getNodeList()) {
      List<T> args = n.getInputList().stream().map(name -> {
        T t = env.get(name);
        if (t == null) {
          throw new IllegalStateException(n.getName() + ": input " + name + " is not defined");
        }
        return t;
      }).toList();
      env.put(n.getOutput(0), apply(n, args, compute));
    }
    return env;
  }

  private static T apply(NodeProto n, List<T> a, boolean compute) {
    T x = a.get(0);
    switch (n.getOpType()) {
      case "Conv":
        return conv(n, x, a.get(1), a.get(2), compute);
      case "MaxPool":
        return maxPool(n, x, compute);
      case "Relu": {
        if (!compute) {
          return new T(x.shape(), null);
        }
        float[] y = x.data().clone();
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.max(y[i], 0f);
        }
        return new T(x.shape(), y);
      }
      case "Add": {
        check(n, Arrays.equals(x.shape(), a.get(1).shape()), "equal operand shapes",
            Arrays.toString(x.shape()) + " and " + Arrays.toString(a.get(1).shape()));
        if (!compute) {
          return new T(x.shape(), null);
        }
        float[] y = x.data().clone();
        for (int i = 0; i < y.length; i++) {
          y[i] += a.get(1).data()[i];
        }
        return new T(x.shape(), y);
      }
      case "GlobalAveragePool": {
        int c = x.shape()[0] * x.shape()[1];
        int hw = x.shape()[2] * x.shape()[3];
        float[] y = compute ? new float[c] : null;
        for (int i = 0; compute && i < c; i++) {
          double s = 0;
          for (int j = 0; j < hw; j++) {
            s += x.data()[i * hw + j];
          }
          y[i] = (float) (s / hw);
        }
        return new T(new int[] {x.shape()[0], x.shape()[1], 1, 1}, y);
      }
      case "Flatten": {
        int axis = (int) attr(n, "axis").getI();
        int lead = 1;
        for (int i = 0; i < axis; i++) {
          lead *= x.shape()[i];
        }
        return new T(new int[] {lead, x.size() / lead}, x.data());
      }
      case "Gemm":
        return gemm(n, x, a.get(1), a.get(2), compute);
      default:
        throw new UnsupportedOperationException(n.getName() + ": op " + n.getOpType());
    }
  }

  private static T conv(NodeProto n, T x, T w, T b, boolean compute) {
    long[] dil = ints(n, "dilations");
    check(n, attr(n, "group").getI() == 1 && dil[0] == 1 && dil[1] == 1, "group 1, dilation 1",
        "something else");
    int[] xs = x.shape();
    int[] ws = w.shape();
    check(n, ws[1] == xs[1], "weight in-channels " + xs[1], Integer.toString(ws[1]));
    check(n, b.shape().length == 1 && b.shape()[0] == ws[0], "bias [" + ws[0] + "]",
        Arrays.toString(b.shape()));
    long[] k = ints(n, "kernel_shape");
    check(n, k[0] == ws[2] && k[1] == ws[3], "kernel_shape = weight dims",
        Arrays.toString(k));
    int s = (int) ints(n, "strides")[0];
    int p = (int) ints(n, "pads")[0];
    int kh = ws[2];
    int kw = ws[3];
    int oh = (xs[2] + 2 * p - kh) / s + 1;
    int ow = (xs[3] + 2 * p - kw) / s + 1;
    int[] shape = {xs[0], ws[0], oh, ow};
    if (!compute) {
      return new T(shape, null);
    }
    int cin = xs[1];
    int ih = xs[2];
    int iw = xs[3];
    float[] y = new float[xs[0] * ws[0] * oh * ow];
    for (int img = 0; img < xs[0]; img++) {
      for (int o = 0; o < ws[0]; o++) {
        int obase = (img * ws[0] + o) * oh * ow;
        Arrays.fill(y, obase, obase + oh * ow, b.data()[o]);
        for (int c = 0; c < cin; c++) {
          int ibase = (img * cin + c) * ih * iw;
          for (int dy = 0; dy < kh; dy++) {
            for (int dx = 0; dx < kw; dx++) {
              float wv = w.data()[((o * cin + c) * kh + dy) * kw + dx];
              // Output columns whose input column dx + ox*s - p lies inside the image.
              int x0 = Math.max(0, -Math.floorDiv(dx - p, s));
              int x1 = Math.min(ow, Math.floorDiv(iw - 1 + p - dx, s) + 1);
              for (int oy = 0; oy < oh; oy++) {
                int iy = oy * s - p + dy;
                if (iy < 0 || iy >= ih) {
                  continue;
                }
                int orow = obase + oy * ow;
                int irow = ibase + iy * iw - p + dx;
                for (int ox = x0; ox < x1; ox++) {
                  y[orow + ox] += wv * x.data()[irow + ox * s];
                }
              }
            }
          }
        }
      }
    }
    return new T(shape, y);
  }

  private static T maxPool(NodeProto n, T x, boolean compute) {
    check(n, attr(n, "ceil_mode").getI() == 0, "ceil_mode 0", "1");
    int k = (int) ints(n, "kernel_shape")[0];
    int s = (int) ints(n, "strides")[0];
    int p = (int) ints(n, "pads")[0];
    int[] xs = x.shape();
    int oh = (xs[2] + 2 * p - k) / s + 1;
    int ow = (xs[3] + 2 * p - k) / s + 1;
    int[] shape = {xs[0], xs[1], oh, ow};
    if (!compute) {
      return new T(shape, null);
    }
    float[] y = new float[xs[0] * xs[1] * oh * ow];
    for (int c = 0; c < xs[0] * xs[1]; c++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
              int iy = oy * s - p + dy;
              int ix = ox * s - p + dx;
              if (iy >= 0 && iy < xs[2] && ix >= 0 && ix < xs[3]) {
                m = Math.max(m, x.data()[(c * xs[2] + iy) * xs[3] + ix]);
              }
            }
          }
          y[(c * oh + oy) * ow + ox] = m;
        }
      }
    }
    return new T(shape, y);
  }

  private static T gemm(NodeProto n, T a, T w, T b, boolean compute) {
    check(n, attr(n, "transB").getI() == 1 && attr(n, "alpha").getF() == 1f
        && attr(n, "beta").getF() == 1f, "transB 1, alpha 1, beta 1", n.getAttributeList()
        .toString());
    int rows = a.shape()[0];
    int inner = a.shape()[1];
    int cols = w.shape()[0];
    check(n, w.shape()[1] == inner, "weight [" + cols + ", " + inner + "]",
        Arrays.toString(w.shape()));
    check(n, b.shape()[0] == cols, "bias [" + cols + "]", Arrays.toString(b.shape()));
    int[] shape = {rows, cols};
    if (!compute) {
      return new T(shape, null);
    }
    float[] y = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double s = b.data()[c];
        for (int i = 0; i < inner; i++) {
          s += (double) a.data()[r * inner + i] * w.data()[c * inner + i];
        }
        y[r * cols + c] = (float) s;
      }
    }
    return new T(shape, y);
  }

  private static AttributeProto attr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException(n.getName() + ": expected attribute "
            + name + ", but found none"));
  }

  private static long[] ints(NodeProto n, String name) {
    return attr(n, name).getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static void check(NodeProto n, boolean ok, String expected, String found) {
    if (!ok) {
      throw new IllegalStateException(n.getName() + ": expected " + expected + ", but found "
          + found);
    }
  }
}
