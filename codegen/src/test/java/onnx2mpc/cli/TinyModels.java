package onnx2mpc.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** ONNX models small enough to write by hand, so CLI tests need no shared model files. */
final class TinyModels {
  static final float[] W = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 1f, -2f};
  static final float[] X = {1f, 2f, -0.5f, 0.25f};

  private TinyModels() {}

  /** y[1,2] = x[1,4] @ W[4,2], W an initializer (the weights owner's). */
  static Path matmul(Path file) throws IOException {
    TensorProto.Builder w = TensorProto.newBuilder().setName("W")
        .setDataType(TensorProto.DataType.FLOAT.getNumber()).addDims(4).addDims(2);
    for (float v : W) {
      w.addFloatData(v);
    }
    GraphProto g = GraphProto.newBuilder().setName("tiny")
        .addInput(value("x", 1, 4))
        .addOutput(value("y", 1, 2))
        .addInitializer(w)
        .addNode(NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("x")
            .addInput("W").addOutput("y"))
        .build();
    ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g).build();
    Files.write(file, m.toByteArray());
    return file;
  }

  /** x @ W in double precision. */
  static double[] expected() {
    double[] y = new double[2];
    for (int j = 0; j < 2; j++) {
      for (int k = 0; k < 4; k++) {
        y[j] += (double) X[k] * W[k * 2 + j];
      }
    }
    return y;
  }

  private static ValueInfoProto value(String name, int... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (int d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(s))).build();
  }
}
