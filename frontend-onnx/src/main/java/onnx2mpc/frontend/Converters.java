package onnx2mpc.frontend;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** ONNX op type -> converter. Each group of ops registers itself from its own small class. */
final class Converters {
  /** Turns one ONNX node into tensor ops (or constants) and binds its outputs. */
  @FunctionalInterface
  interface Converter {
    void convert(NodeContext c);
  }

  private static final Map<String, Converter> BY_OP = new TreeMap<>();

  static {
    ElementwiseConverters.register(BY_OP);
    LinearConverters.register(BY_OP);
    PoolConverters.register(BY_OP);
    ShapeConverters.register(BY_OP);
    SliceConverters.register(BY_OP);
    ReduceConverters.register(BY_OP);
  }

  private Converters() {}

  static Converter get(String opType) {
    return BY_OP.get(opType);
  }

  /** The supported ONNX op types, sorted. */
  static Set<String> supported() {
    return BY_OP.keySet();
  }
}
