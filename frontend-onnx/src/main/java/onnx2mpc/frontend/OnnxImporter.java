package onnx2mpc.frontend;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Value;

/**
 * Imports an ONNX model (opsets {@value #MIN_OPSET} to {@value #MAX_OPSET}) as a graph of
 * {@code tensor.*} ops (see {@link onnx2mpc.ir.TensorOps}) with static shapes, constants
 * folded and batch norms folded into the preceding conv or gemm where possible.
 *
 * <p>Graph inputs (the ONNX inputs that are not initializers, in order) get type
 * {@code fix0[...] public} for float inputs and {@code int[...] public} for integer inputs;
 * initializers become constants named as in ONNX. Visibility and scale are the compiler's to
 * assign later.
 *
 * <p>A model that cannot be imported fails once, with an {@link ImportException} that lists
 * every offending node.
 */
public final class OnnxImporter {
  /** The oldest default-domain opset accepted. */
  public static final int MIN_OPSET = 11;
  /** The newest default-domain opset accepted. */
  public static final int MAX_OPSET = 18;

  private OnnxImporter() {}

  /** Reads a ModelProto from {@code modelFile} and converts it; see {@link #convert}. */
  public static Graph load(Path modelFile) throws ImportException {
    return load(modelFile, Map.of());
  }

  /** Like {@link #load(Path)} with concrete shapes for inputs; see {@link #convert(ModelProto,
   * String, Map)}. */
  public static Graph load(Path modelFile, Map<String, int[]> inputShapes)
      throws ImportException {
    ModelProto model;
    try (InputStream in = Files.newInputStream(modelFile)) {
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ImportException(modelFile + ": expected an ONNX model (ModelProto), but the"
          + " file does not parse: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ImportException(modelFile + ": cannot read the model: " + e, e);
    }
    return convert(model, modelFile.toString(), inputShapes);
  }

  /** Converts a model whose input shapes are all fixed. */
  public static Graph convert(ModelProto model, String sourceName) throws ImportException {
    return convert(model, sourceName, Map.of());
  }

  /**
   * Converts a model.
   *
   * @param sourceName names the model in messages (usually its file)
   * @param inputShapes concrete shapes for graph inputs whose declared shapes have symbolic or
   *     unknown dims (a dynamic batch axis, say); they must agree with every fixed dim
   * @throws ImportException listing every problem: unsupported ops, attributes or data types,
   *     unresolvable shapes, unknown input names
   */
  public static Graph convert(ModelProto model, String sourceName,
      Map<String, int[]> inputShapes) throws ImportException {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(inputShapes, "inputShapes");
    List<String> problems = new ArrayList<>();
    int opset = defaultOpset(model, problems);
    GraphProto gp = model.getGraph();
    ImportState st = new ImportState(opset, countUses(gp));
    // The file name only: printed graphs (golden tests) must not depend on where a model is.
    String base = sourceName.substring(Math.max(sourceName.lastIndexOf('/'),
        sourceName.lastIndexOf('\\')) + 1);
    st.graph.properties().put("source", base);
    st.graph.properties().put("onnx.opset", Integer.toString(opset));

    // Tensors lost to a problem already listed; their consumers are not listed again.
    Set<String> poisoned = new HashSet<>();
    Set<String> initNames = new HashSet<>();
    for (TensorProto t : gp.getInitializerList()) {
      initNames.add(t.getName());
    }
    Set<String> inputNames = new LinkedHashSet<>();
    for (ValueInfoProto vi : gp.getInputList()) {
      if (initNames.contains(vi.getName())) {
        continue; // older exporters list initializers among the inputs
      }
      inputNames.add(vi.getName());
      addInput(st, vi, inputShapes.get(vi.getName()), problems);
      if (st.lookup(vi.getName()) == null) {
        poisoned.add(vi.getName());
      }
    }
    for (TensorProto t : gp.getInitializerList()) {
      try {
        Tensor data = OnnxTensors.decode(t);
        st.bind(t.getName(), st.constant(t.getName(), data,
            OnnxTensors.elemOf(t.getDataType())));
      } catch (ConversionException e) {
        problems.add("initializer '" + t.getName() + "': " + e.getMessage());
        poisoned.add(t.getName());
      }
    }
    for (String name : inputShapes.keySet()) {
      if (!inputNames.contains(name)) {
        problems.add("input shape given for '" + name + "', but the graph inputs are "
            + inputNames);
      }
    }

    List<NodeProto> nodes = gp.getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      convertNode(st, nodes.get(i), i, poisoned, problems);
    }
    if (gp.getOutputCount() == 0) {
      problems.add("graph '" + gp.getName() + "': expected at least one output, but found none");
    }
    for (ValueInfoProto out : gp.getOutputList()) {
      Value v = st.lookup(out.getName());
      if (v != null) {
        st.graph.markOutput(v);
      } else if (!poisoned.contains(out.getName())) {
        problems.add("graph output '" + out.getName() + "' is not produced by any node");
      }
    }
    if (!problems.isEmpty()) {
      throw new ImportException("cannot import " + sourceName + " (opset " + opset + "): "
          + problems.size() + (problems.size() == 1 ? " problem" : " problems"), problems,
          "supported op types (default domain, opsets " + MIN_OPSET + " to " + MAX_OPSET
          + "): " + String.join(", ", Converters.supported()));
    }
    st.graph.removeDeadNodes();
    return st.graph;
  }

  private static int defaultOpset(ModelProto model, List<String> problems) {
    for (OperatorSetIdProto os : model.getOpsetImportList()) {
      if (os.getDomain().isEmpty() || os.getDomain().equals("ai.onnx")) {
        int v = (int) os.getVersion();
        if (v < MIN_OPSET || v > MAX_OPSET) {
          problems.add("model: expected default-domain opset " + MIN_OPSET + " to " + MAX_OPSET
              + ", but found " + v + "; re-export with torch.onnx.export(...,"
              + " opset_version=17)");
        }
        return v;
      }
    }
    problems.add("model: expected an opset_import for the default ONNX domain, but found "
        + model.getOpsetImportList().stream().map(o -> "'" + o.getDomain() + "'").toList());
    return MAX_OPSET;
  }

  /** ONNX-level consumers per tensor name; a graph output counts as one more. */
  private static Map<String, Integer> countUses(GraphProto gp) {
    Map<String, Integer> uses = new HashMap<>();
    for (NodeProto n : gp.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          uses.merge(in, 1, Integer::sum);
        }
      }
    }
    for (ValueInfoProto o : gp.getOutputList()) {
      uses.merge(o.getName(), 1, Integer::sum);
    }
    return uses;
  }

  private static void addInput(ImportState st, ValueInfoProto vi, int[] given,
      List<String> problems) {
    String what = "graph input '" + vi.getName() + "'";
    if (!vi.getType().hasTensorType()) {
      problems.add(what + ": expected a tensor, but found " + vi.getType().getValueCase());
      return;
    }
    int dt = vi.getType().getTensorType().getElemType();
    Elem elem = OnnxTensors.elemOf(dt);
    if (elem == null || elem == Elem.BIT) {
      problems.add(what + ": expected a float or integer tensor, but found "
          + OnnxTensors.typeName(dt));
      return;
    }
    boolean declared = vi.getType().getTensorType().hasShape();
    List<TensorShapeProto.Dimension> dims = vi.getType().getTensorType().getShape()
        .getDimList();
    int[] shape;
    if (given != null) {
      if (declared && given.length != dims.size()) {
        problems.add(what + ": expected the given shape to have rank " + dims.size()
            + ", but found " + Arrays.toString(given));
        return;
      }
      for (int i = 0; declared && i < dims.size(); i++) {
        if (dims.get(i).hasDimValue() && dims.get(i).getDimValue() != given[i]) {
          problems.add(what + ": expected dim " + i + " of the given shape to be "
              + dims.get(i).getDimValue() + " as the model declares, but found " + given[i]);
          return;
        }
      }
      shape = given.clone();
    } else if (!declared) {
      problems.add(what + ": expected a declared shape, but the model has none; pass the"
          + " shape (inputShapes / --input " + vi.getName() + "=...)");
      return;
    } else {
      shape = new int[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        TensorShapeProto.Dimension d = dims.get(i);
        if (!d.hasDimValue() || d.getDimValue() < 0) {
          String sym = d.hasDimParam() ? "symbolic dim '" + d.getDimParam() + "'" : "an unknown"
              + " dim";
          problems.add(what + ": expected fixed dims, but axis " + i + (i == 0 ? " (batch)" : "")
              + " has " + sym + "; pass a concrete shape (inputShapes / --input "
              + vi.getName() + "=...)");
          return;
        }
        shape[i] = (int) d.getDimValue();
      }
    }
    Shape s;
    try {
      s = Shape.of(shape);
    } catch (IllegalArgumentException e) {
      problems.add(what + ": " + e.getMessage());
      return;
    }
    st.bind(vi.getName(), st.graph.addInput(vi.getName(), ImportState.typeOf(s, elem)));
  }

  private static void convertNode(ImportState st, NodeProto node, int index,
      Set<String> poisoned, List<String> problems) {
    String origin = node.getName().isEmpty() ? node.getOpType() + "_" + index : node.getName();
    String where = "node '" + origin + "' (" + node.getOpType() + ", opset " + st.opset
        + (isDefaultDomain(node) ? "" : ", domain '" + node.getDomain() + "'") + ")";
    Converters.Converter conv = isDefaultDomain(node) ? Converters.get(node.getOpType()) : null;
    if (conv == null) {
      problems.add(where + ": op type " + (isDefaultDomain(node) ? "'" + node.getOpType() + "'"
          : "'" + node.getDomain() + "." + node.getOpType() + "'") + " is not supported");
      poisoned.addAll(node.getOutputList());
      return;
    }
    for (String in : node.getInputList()) {
      if (!in.isEmpty() && st.lookup(in) == null) {
        if (!poisoned.contains(in)) {
          problems.add(where + ": input '" + in + "' is not produced by any earlier node,"
              + " initializer or graph input (nodes must be in topological order)");
        }
        // An input lost to an earlier problem: that problem is already listed.
        poisoned.addAll(node.getOutputList());
        return;
      }
    }
    try {
      conv.convert(new NodeContext(st, node, origin));
      for (String out : node.getOutputList()) {
        if (!out.isEmpty() && st.lookup(out) == null && st.onnxUses(out) > 0) {
          throw new ConversionException(null, "output '" + out + "' was not produced");
        }
      }
    } catch (ConversionException e) {
      problems.add(where + describe(e.attribute()) + ": " + e.getMessage());
      poisoned.addAll(node.getOutputList());
    } catch (RuntimeException e) {
      // A converter bug or malformed data must still name the node, never escape bare.
      problems.add(where + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      poisoned.addAll(node.getOutputList());
    }
  }

  /** ", attribute 'x'" or ", input 'x'" for the part of a node at fault. */
  private static String describe(String attr) {
    if (attr == null) {
      return "";
    }
    return attr.startsWith("input ") ? ", " + attr : ", attribute '" + attr + "'";
  }

  private static boolean isDefaultDomain(NodeProto n) {
    return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
  }
}
