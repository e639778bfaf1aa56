package onnx2mpc.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.LinkedHashMap;
import java.util.Map;
import onnx2mpc.ir.Tensor;

/**
 * Typed access to an ONNX node's attributes with defaults. A wrong attribute type is a
 * {@link ConversionException} naming the attribute.
 */
final class OnnxAttrs {
  private final Map<String, AttributeProto> map = new LinkedHashMap<>();

  OnnxAttrs(NodeProto node) {
    for (AttributeProto a : node.getAttributeList()) {
      map.put(a.getName(), a);
    }
  }

  boolean has(String name) {
    return map.containsKey(name);
  }

  private AttributeProto get(String name, AttributeType want) {
    AttributeProto a = map.get(name);
    if (a == null) {
      return null;
    }
    if (!a.getRefAttrName().isEmpty()) {
      throw new ConversionException(name, "expected a value, but found a reference to function"
          + " attribute '" + a.getRefAttrName() + "'");
    }
    AttributeType t = a.getType();
    // Some exporters leave the type UNDEFINED; trust the field that is set.
    if (t != want && t != AttributeType.UNDEFINED) {
      throw new ConversionException(name, "expected a " + want + " attribute, but found " + t);
    }
    return a;
  }

  long getInt(String name, long dflt) {
    AttributeProto a = get(name, AttributeType.INT);
    return a == null ? dflt : a.getI();
  }

  /** A required INT attribute. */
  long getInt(String name) {
    AttributeProto a = get(name, AttributeType.INT);
    if (a == null) {
      throw new ConversionException(name, "expected attribute '" + name + "', but it is"
          + " missing");
    }
    return a.getI();
  }

  long[] getInts(String name, long[] dflt) {
    AttributeProto a = get(name, AttributeType.INTS);
    return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  double getFloat(String name, double dflt) {
    AttributeProto a = get(name, AttributeType.FLOAT);
    return a == null ? dflt : a.getF();
  }

  double[] getFloats(String name) {
    AttributeProto a = get(name, AttributeType.FLOATS);
    if (a == null) {
      return null;
    }
    double[] d = new double[a.getFloatsCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.getFloats(i);
    }
    return d;
  }

  String getString(String name, String dflt) {
    AttributeProto a = get(name, AttributeType.STRING);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  /** A TENSOR attribute decoded, or null if absent. */
  Tensor getTensor(String name) {
    AttributeProto a = get(name, AttributeType.TENSOR);
    if (a == null) {
      return null;
    }
    try {
      return OnnxTensors.decode(a.getT());
    } catch (ConversionException e) {
      throw new ConversionException(name, e.getMessage());
    }
  }

  /** The ONNX data type of a TENSOR attribute. */
  int tensorType(String name) {
    return get(name, AttributeType.TENSOR).getT().getDataType();
  }

  Iterable<String> names() {
    return map.keySet();
  }
}
