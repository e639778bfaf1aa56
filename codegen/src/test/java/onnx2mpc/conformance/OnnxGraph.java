package onnx2mpc.conformance;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;

/**
 * A small ONNX model under construction, written with the protobuf builders, together with the
 * seeded test data for its inputs and who owns them. Everything random is drawn from one
 * {@link SplittableRandom} seeded by the case name, so a failing case reproduces exactly.
 *
 * <p>All data is rounded to float32 before use: ONNX Runtime computes in float32, and the
 * interpreter and the MPC program must see exactly the numbers the oracle saw.
 */
final class OnnxGraph {
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("conformance");
  private final int opset;
  private final SplittableRandom rnd;
  private final Map<String, Tensor> data = new LinkedHashMap<>();
  private final Map<String, Integer> owners = new HashMap<>();
  private int weightsOwner = 0;
  private int nodes;
  private int temps;

  OnnxGraph(String caseName, int opset) {
    this.opset = opset;
    this.rnd = new SplittableRandom(caseName.hashCode() * 0x9E3779B97F4A7C15L + opset);
  }

  // ---- graph inputs and their data ----

  /** A float input with data uniform in [lo, hi). */
  String input(String name, double lo, double hi, long... dims) {
    declare(name, dims);
    double[] v = new double[Shape.of(dims).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
    }
    data.put(name, Tensor.reals(Shape.of(dims), v));
    return name;
  }

  /**
   * A float input with data on a grid of {@code step} in [lo, hi], so that ties, equal pairs
   * and exact zeros occur (Equal, Sign, Max on ties); the grid is exact in fixed point.
   */
  String gridInput(String name, double step, double lo, double hi, long... dims) {
    declare(name, dims);
    int cells = (int) Math.round((hi - lo) / step) + 1;
    double[] v = new double[Shape.of(dims).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + step * rnd.nextInt(cells);
    }
    data.put(name, Tensor.reals(Shape.of(dims), v));
    return name;
  }

  private void declare(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))));
  }

  /** Gives a graph input to a party (the compiler's default owner is party 1). */
  OnnxGraph owner(String input, int party) {
    owners.put(input, party);
    return this;
  }

  /** Compiles the initializers as public (CompileOptions weightsOwner -1). */
  OnnxGraph publicWeights() {
    weightsOwner = -1;
    return this;
  }

  // ---- initializers ----

  /** A float initializer with data uniform in [-scale, scale). */
  String weight(String name, double scale, long... dims) {
    double[] v = new double[Shape.of(dims).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * (2 * rnd.nextDouble() - 1);
    }
    return floats(name, dims, v);
  }

  /** A float initializer with data uniform in [lo, hi). */
  String uniform(String name, double lo, double hi, long... dims) {
    double[] v = new double[Shape.of(dims).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * rnd.nextDouble();
    }
    return floats(name, dims, v);
  }

  String floats(String name, long[] dims, double... v) {
    graph.addInitializer(floatTensor(name, dims, v));
    return name;
  }

  /** A float scalar (rank 0) initializer, as PyTorch writes for {@code x / 8.0}. */
  String scalar(String name, double v) {
    return floats(name, new long[0], v);
  }

  String ints(String name, long[] dims, long... v) {
    graph.addInitializer(TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addAllDims(Arrays.stream(dims).boxed().toList())
        .addAllInt64Data(Arrays.stream(v).boxed().toList()).build());
    return name;
  }

  /** A bool scalar initializer (Dropout's training_mode). */
  String bool(String name, boolean v) {
    graph.addInitializer(TensorProto.newBuilder().setName(name)
        .setDataType(TensorProto.DataType.BOOL_VALUE).addInt32Data(v ? 1 : 0).build());
    return name;
  }

  /** A 1-D int64 initializer (axes, shapes, pads, split sizes). */
  String vec(String name, long... v) {
    return ints(name, new long[] {v.length}, v);
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

  // ---- nodes ----

  /** Adds a node with one output, named after the op and its position; returns the output. */
  String op(String opType, List<String> ins, AttributeProto... attrs) {
    return ops(opType, 1, ins, attrs)[0];
  }

  /** Adds a node with {@code outs} outputs; "" in {@code ins} marks an absent input. */
  String[] ops(String opType, int outs, List<String> ins, AttributeProto... attrs) {
    String[] out = new String[outs];
    for (int i = 0; i < outs; i++) {
      out[i] = opType.toLowerCase(java.util.Locale.ROOT) + "_" + temps++;
    }
    graph.addNode(NodeProto.newBuilder().setName(opType + "_" + nodes++).setOpType(opType)
        .addAllInput(ins).addAllOutput(Arrays.asList(out))
        .addAllAttribute(Arrays.asList(attrs)));
    return out;
  }

  OnnxGraph output(String... names) {
    for (String n : names) {
      graph.addOutput(ValueInfoProto.newBuilder().setName(n));
    }
    return this;
  }

  ModelProto model() {
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("onnx2mpc-conformance")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  /** The finished case: model, data, ownership, and the tolerance its family is held to. */
  Case done(String name, Tolerance tol) {
    return new Case(name, opset, model(), Map.copyOf(data), Map.copyOf(owners), weightsOwner,
        tol);
  }

  // ---- attributes ----

  static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
  }

  static AttributeProto ints(String name, long... v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS)
        .addAllInts(Arrays.stream(v).boxed().toList()).build();
  }

  static AttributeProto f(String name, double v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT)
        .setF((float) v).build();
  }

  static AttributeProto s(String name, String v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  static AttributeProto t(String name, TensorProto v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(v)
        .build();
  }
}
