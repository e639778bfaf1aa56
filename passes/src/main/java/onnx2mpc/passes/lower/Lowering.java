package onnx2mpc.passes.lower;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Elem;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.CompileOptions;
import onnx2mpc.passes.CompiledProgram.InputSpec;
import onnx2mpc.passes.CompiledProgram.OutputSpec;

/**
 * lower: tensor ops to mpc ops. Requires a tensor-dialect graph with static shapes (the
 * frontend's output); establishes an mpc-dialect graph whose values carry visibility and scale,
 * with explicit opens, dealer correlations and truncations.
 *
 * <p>Ownership (assign-ownership): graph inputs are private to their owner; constants with more
 * than one element are the weights owner's (public with {@code --weights public}); scalar and
 * integer constants are public, being part of the architecture rather than the learned weights.
 * Private values are shared on first use by a secret computation; public-only computations were
 * folded by the frontend.
 */
public final class Lowering {
  final MpcBuilder b;
  final Circuits circuits;
  final CompileOptions opts;
  final Graph src;
  private final Map<Value, Value> lowered = new IdentityHashMap<>();
  private final Map<Value, Value> sharedCache = new IdentityHashMap<>();
  final List<InputSpec> inputs = new ArrayList<>();
  final List<OutputSpec> outputs = new ArrayList<>();
  final Map<String, String> layerOps = new HashMap<>();
  private final LowerLinear linear;
  private final LowerElementwise elementwise;
  private final LowerShape shape;
  private final LowerPool pool;
  private final LowerExact exact;
  private final LowerApprox approx;
  /** Relus that run after the max pool that reads them instead (see {@link #swapReluPool}). */
  private final java.util.Set<Node> reluAfterPool = new java.util.HashSet<>();

  private Lowering(Graph src, CompileOptions opts) {
    this.src = src;
    this.opts = opts;
    this.b = new MpcBuilder(opts.parties(), opts.precision(), opts.exactTruncation());
    this.circuits = new Circuits(b);
    this.linear = new LowerLinear(this);
    this.elementwise = new LowerElementwise(this);
    this.shape = new LowerShape(this);
    this.pool = new LowerPool(this);
    this.exact = new LowerExact(this);
    this.approx = new LowerApprox(this);
  }

  /** Result of lowering: the mpc graph plus the program's interface. */
  public record Result(Graph graph, MpcBuilder builder, List<InputSpec> inputs,
      List<OutputSpec> outputs, Map<String, String> layerOps) {}

  public static Result lower(Graph tensorGraph, CompileOptions opts) {
    Lowering l = new Lowering(tensorGraph, opts);
    l.run();
    return new Result(l.b.graph(), l.b, l.inputs, l.outputs, l.layerOps);
  }

  private void run() {
    List<String> unsupported = new ArrayList<>();
    for (Node n : src.nodes()) {
      if (!supports(n.op())) {
        unsupported.add("  " + where(n) + ": has no MPC lowering");
      }
    }
    if (!unsupported.isEmpty()) {
      throw new IrException("the model uses ops onnx2mpc cannot run in MPC:\n"
          + String.join("\n", unsupported) + "\nsupported: " + String.join(", ", SUPPORTED));
    }
    swapReluPool();
    b.at("input");
    int id = 0;
    for (Value in : src.inputs()) {
      int owner = opts.ownerOf(in.name());
      boolean real = in.type().elem() != Elem.INT;
      int scale = real ? opts.precision() : 0;
      Type t = new Type(in.shape(), real ? Elem.FIXED : Elem.INT, scale, Vis.privateTo(owner));
      inputs.add(new InputSpec(id, in.name(), owner, in.shape(), scale, real));
      lowered.put(in, b.input(id++, t));
    }
    // Every node whose form the lowering rejects is reported, in one message; nodes that read
    // a rejected node's results are skipped rather than reported again.
    List<String> rejected = new ArrayList<>();
    java.util.Set<Value> lost = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : src.nodes()) {
      b.at(n.origin());
      layerOps.putIfAbsent(n.origin(), n.op().replace("tensor.", ""));
      if (n.inputs().stream().anyMatch(lost::contains)) {
        lost.addAll(n.outputs());
        continue;
      }
      try {
        List<Value> outs = lowerNode(n);
        for (int i = 0; i < outs.size(); i++) {
          lowered.put(n.outputs().get(i), outs.get(i));
        }
      } catch (IrException | IllegalArgumentException e) {
        String msg = e.getMessage().replace(" (at " + n.describe() + ")", "");
        rejected.add("  " + where(n) + ": " + msg);
        lost.addAll(n.outputs());
      }
    }
    if (!rejected.isEmpty()) {
      throw new IrException("the model has nodes onnx2mpc cannot run in MPC in this form:\n"
          + String.join("\n", rejected));
    }
    int mask = opts.outputToMask();
    if (mask == 0) {
      for (InputSpec in : inputs) {
        mask |= 1 << in.owner();
      }
    }
    b.at("output");
    for (Value out : src.outputs()) {
      Value v = secret(out);
      Value r = b.reveal(v, mask);
      outputs.add(new OutputSpec(out.name() == null ? "output" : out.name(), v.shape(),
          v.type().scale(), -1, mask));
      b.graph().markOutput(r);
    }
    // A relu that opened the untruncated value leaves the truncation's nodes unused when
    // nothing else reads the truncated value: they must not cost a round.
    b.graph().removeDeadNodes();
  }

  static final List<String> CORE_SUPPORTED = List.of("Gemm", "MatMul", "Conv", "Relu", "MaxPool",
      "AveragePool", "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Squeeze",
      "Unsqueeze", "Transpose", "Concat", "Slice", "Pad", "Add", "Sub", "Mul", "Neg", "Identity",
      "Dropout", "Constant and shape computations (folded)");

  /** ONNX op types with an MPC lowering, for error messages and {@code inspect}. */
  public static final List<String> SUPPORTED = java.util.stream.Stream.of(CORE_SUPPORTED,
      LowerExact.ONNX_NAMES, LowerApprox.ONNX_NAMES).flatMap(List::stream).toList();

  /** Whether an op of the tensor dialect has an MPC lowering. */
  public static boolean supports(String op) {
    if (LowerExact.OPS.contains(op) || LowerApprox.OPS.contains(op)) {
      return true;
    }
    return switch (op) {
      case "tensor.gemm", "tensor.matmul", "tensor.conv", "tensor.relu", "tensor.maxpool",
          "tensor.averagepool", "tensor.globalaveragepool", "tensor.batchnorm", "tensor.reshape",
          "tensor.transpose", "tensor.concat", "tensor.slice", "tensor.pad", "tensor.add",
          "tensor.sub", "tensor.mul", "tensor.neg" -> true;
      default -> false;
    };
  }

  private List<Value> lowerNode(Node n) {
    if (LowerExact.OPS.contains(n.op())) {
      return exact.lower(n);
    }
    if (LowerApprox.OPS.contains(n.op())) {
      return approx.lower(n);
    }
    return switch (n.op()) {
      case "tensor.gemm" -> List.of(linear.gemm(n));
      case "tensor.matmul" -> List.of(linear.matmul(n));
      case "tensor.conv" -> List.of(linear.conv(n));
      case "tensor.relu" -> List.of(reluAfterPool.contains(n) ? get(n.input(0))
          : circuits.relu(secret(n.input(0))));
      case "tensor.maxpool" -> {
        Node producer = n.input(0).def();
        Value pooled = pool.maxPool(n);
        yield List.of(producer != null && reluAfterPool.contains(producer)
            ? circuits.relu(pooled) : pooled);
      }
      case "tensor.averagepool" -> List.of(pool.averagePool(n));
      case "tensor.globalaveragepool" -> List.of(pool.globalAveragePool(n));
      case "tensor.batchnorm" -> List.of(elementwise.batchNorm(n));
      case "tensor.add", "tensor.sub", "tensor.mul" -> List.of(elementwise.binary(n));
      case "tensor.neg" -> List.of(b.neg(secret(n.input(0))));
      case "tensor.reshape", "tensor.transpose", "tensor.concat", "tensor.slice", "tensor.pad" ->
          List.of(shape.lower(n));
      default -> throw new IrException(n, "expected a supported op, but found " + n.op());
    };
  }

  /** "node '/conv1/Conv' (tensor op conv, opset 17)" for messages. */
  private String where(Node n) {
    String opset = src.properties().get("onnx.opset");
    return "node '" + n.origin() + "' (" + n.op().replace("tensor.", "")
        + (opset == null ? "" : ", opset " + opset) + ")";
  }

  /**
   * maxpool(relu(x)) = relu(maxpool(x)) because relu is monotone, and the pooled tensor is
   * smaller (4x for ResNet's 3x3 stride-2 pool), so a relu read only by a max pool runs after it.
   */
  private void swapReluPool() {
    Map<Value, List<Node>> users = src.users();
    for (Node n : src.nodes()) {
      if (!n.op().equals("tensor.maxpool")) {
        continue;
      }
      Node producer = n.input(0).def();
      if (producer != null && producer.op().equals("tensor.relu")
          && users.getOrDefault(producer.output(), List.of()).size() == 1
          && !src.outputs().contains(producer.output())) {
        reluAfterPool.add(producer);
      }
    }
  }

  // ---- operand access ----

  /** Whether a tensor value is a compile-time constant (public or the weights owner's). */
  boolean isConstant(Value v) {
    return src.isConstant(v);
  }

  Tensor constantData(Value v) {
    return src.constant(v);
  }

  /** Whether a constant is public under the ownership rule. */
  boolean isPublicConstant(Value v) {
    Tensor t = src.constant(v);
    return t != null && (opts.weightsOwner() < 0 || t.isInt() || t.size() <= 1);
  }

  /** The lowered value (constants become mpc.const with their visibility). */
  Value get(Value v) {
    Value l = lowered.get(v);
    if (l != null) {
      return l;
    }
    Tensor t = src.constant(v);
    if (t == null) {
      throw new IrException(v.def(), "value " + v + " is used before it is defined");
    }
    Vis vis = isPublicConstant(v) ? Vis.PUBLIC : Vis.privateTo(opts.weightsOwner());
    Value c = b.constant(v.name() == null ? "const" + v.id() : v.name(), t,
        t.isInt() ? 0 : opts.precision(), vis);
    lowered.put(v, c);
    return c;
  }

  /** The value as arithmetic shares (sharing a private value on first use). */
  Value secret(Value v) {
    return toShares(get(v));
  }

  Value toShares(Value m) {
    if (m.vis().isShared()) {
      return m;
    }
    if (m.vis().isPrivate()) {
      return sharedCache.computeIfAbsent(m, b::share);
    }
    throw new IrException(m.def(), "expected a secret operand, but found a public value; "
        + "public computations should have been folded");
  }

  /** Whether the lowered operand is public (known to all parties). */
  boolean isPublic(Value v) {
    return get(v).vis().isPublic();
  }

  /** numpy broadcasting of a lowered value to {@code out} (explicit mpc.expand). */
  Value broadcast(Value v, Shape out) {
    return elementwise.broadcast(v, out);
  }

  /** Elementwise product with broadcasting and truncation, any mix of public and secret. */
  Value multiply(Value x, Value y, Shape out) {
    return elementwise.mul(x, y, out);
  }
}
