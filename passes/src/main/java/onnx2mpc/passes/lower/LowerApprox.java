package onnx2mpc.passes.lower;

import java.util.List;
import java.util.Set;
import onnx2mpc.ir.IrException;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Value;

/**
 * Approximated functions (exp, log, reciprocal, sqrt, sigmoid, tanh, softmax, erf,
 * gelu, layer normalization, division by a secret), following CrypTen's iterative methods.
 */
final class LowerApprox {
  /** Tensor ops lowered here. */
  static final Set<String> OPS = Set.of();

  /** Their ONNX names, for error messages. */
  static final List<String> ONNX_NAMES = List.of();

  private final Lowering l;
  private final MpcBuilder b;

  LowerApprox(Lowering l) {
    this.l = l;
    this.b = l.b;
  }

  /** Lowers one node; returns one value per result. */
  List<Value> lower(Node n) {
    throw new IrException(n, "expected an op of " + OPS + ", but found " + n.op());
  }
}
