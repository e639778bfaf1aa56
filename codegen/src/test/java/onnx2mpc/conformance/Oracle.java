package onnx2mpc.conformance;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Tensor;

/**
 * ONNX Runtime as the independent oracle: it shares no code with onnx2mpc's importer or
 * interpreter, so a misread attribute or opset difference shows up as a disagreement.
 * Graph optimizations are off, so that ORT evaluates the nodes as written rather than fused
 * kernels with their own rounding.
 */
final class Oracle {
  private Oracle() {}

  /** One output: its shape as ORT reports it and its data as doubles (bools as 0/1). */
  record Output(long[] shape, double[] values) {}

  static List<Output> run(ModelProto model, Map<String, Tensor> inputs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(model.toByteArray(), opts)) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
          for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            double[] d = e.getValue().reals();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
              f[i] = (float) d[i];
            }
            in.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f),
                e.getValue().shape().longDims()));
          }
          try (OrtSession.Result r = session.run(in)) {
            List<Output> out = new ArrayList<>();
            for (int k = 0; k < r.size(); k++) {
              out.add(decode((OnnxTensor) r.get(k)));
            }
            return out;
          }
        } finally {
          in.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private static Output decode(OnnxTensor t) {
    TensorInfo info = t.getInfo();
    int n = (int) info.getNumElements();
    double[] v = new double[n];
    OnnxJavaType type = info.type;
    switch (type) {
      case FLOAT -> {
        FloatBuffer b = t.getFloatBuffer();
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i);
        }
      }
      case INT64 -> {
        java.nio.LongBuffer b = t.getLongBuffer();
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i);
        }
      }
      case INT32 -> {
        java.nio.IntBuffer b = t.getIntBuffer();
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i);
        }
      }
      case BOOL, UINT8, INT8 -> {
        ByteBuffer b = t.getByteBuffer();
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i);
        }
      }
      default -> throw new IllegalStateException("expected a float, integer or bool output,"
          + " but ORT returned " + type);
    }
    return new Output(info.getShape(), v);
  }
}
