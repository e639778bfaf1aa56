package onnx2mpc.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Interpreter;
import onnx2mpc.ir.Tensor;

/** Small ONNX models for tests, written with the protobuf builders. */
final class OnnxBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
  private final int opset;
  private int nodes;

  OnnxBuilder(int opset) {
    this.opset = opset;
  }

  /** A float input; a negative dim is symbolic ("N"). */
  OnnxBuilder input(String name, long... dims) {
    return typedInput(name, TensorProto.DataType.FLOAT_VALUE, dims);
  }

  OnnxBuilder typedInput(String name, int elemType, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))));
    return this;
  }

  OnnxBuilder output(String name) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  /** A float32 initializer in raw_data. */
  OnnxBuilder floats(String name, long[] dims, double... v) {
    graph.addInitializer(floatTensor(name, dims, v));
    return this;
  }

  /** An int64 initializer in int64_data. */
  OnnxBuilder ints(String name, long[] dims, long... v) {
    graph.addInitializer(intTensor(name, dims, v));
    return this;
  }

  static TensorProto floatTensor(String name, long[] dims, double... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      bb.putFloat((float) x);
    }
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addAllDims(Arrays.stream(dims).boxed().toList())
        .setRawData(ByteString.copyFrom(bb.array())).build();
  }

  static TensorProto intTensor(String name, long[] dims, long... v) {
    return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
        .addAllDims(Arrays.stream(dims).boxed().toList())
        .addAllInt64Data(Arrays.stream(v).boxed().toList()).build();
  }

  /** A node named after its op type and position; ins may contain "" for absent inputs. */
  OnnxBuilder node(String op, String[] ins, String[] outs, AttributeProto... attrs) {
    return named(op + "_" + nodes, op, ins, outs, attrs);
  }

  OnnxBuilder named(String name, String op, String[] ins, String[] outs,
      AttributeProto... attrs) {
    nodes++;
    graph.addNode(NodeProto.newBuilder().setName(name).setOpType(op)
        .addAllInput(Arrays.asList(ins)).addAllOutput(Arrays.asList(outs))
        .addAllAttribute(Arrays.asList(attrs)));
    return this;
  }

  ModelProto build() {
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  Graph convert() throws ImportException {
    return OnnxImporter.convert(build(), "test.onnx");
  }

  static String[] s(String... v) {
    return v;
  }

  static long[] d(long... v) {
    return v;
  }

  static AttributeProto attr(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
  }

  static AttributeProto attr(String name, long[] v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS)
        .addAllInts(Arrays.stream(v).boxed().toList()).build();
  }

  static AttributeProto attr(String name, float v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v)
        .build();
  }

  static AttributeProto attr(String name, String v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  static AttributeProto attr(String name, TensorProto t) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(t)
        .build();
  }

  /** Runs a graph with one input and one output. */
  static Tensor run(Graph g, Tensor x) {
    return Interpreter.run(g, Map.of(g.inputs().get(0).name(), x)).values().iterator().next();
  }

  /** 0, 1, 2, ... scaled, with alternating signs, for test data. */
  static Tensor ramp(onnx2mpc.ir.Shape s, double scale) {
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (i % 2 == 0 ? 1 : -1) * i * scale;
    }
    return Tensor.reals(s, d);
  }
}
