package onnx2mpc.ir.interp;

import java.util.List;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Tensor;

/** Evaluates one {@code tensor.*} op on plaintext tensors; see {@link onnx2mpc.ir.Interpreter}. */
public final class Kernels {
  private Kernels() {}

  /**
   * The results of {@code op} on {@code ins} (operands in order) with normalized attributes.
   *
   * @throws IllegalArgumentException when the op is unknown or the operands do not fit
   */
  public static List<Tensor> eval(String op, List<Tensor> ins, Attrs a) {
    ShapeInference.checkArity(op, ins.size());
    Tensor x = ins.get(0);
    if (op.equals("tensor.split")) {
      return DataKernels.split(x, a.getInt("axis"), a.getInts("split")); // the multi-result op
    }
    Tensor r = switch (op) {
      case "tensor.add", "tensor.sub", "tensor.mul", "tensor.div", "tensor.pow",
          "tensor.greater", "tensor.less", "tensor.equal" ->
          ElementwiseKernels.binary(op, x, ins.get(1));
      case "tensor.sum", "tensor.max", "tensor.min" -> ElementwiseKernels.variadic(op, ins);
      case "tensor.neg", "tensor.abs", "tensor.sign", "tensor.relu", "tensor.leaky_relu",
          "tensor.clip", "tensor.sigmoid", "tensor.tanh", "tensor.exp", "tensor.log",
          "tensor.sqrt", "tensor.reciprocal", "tensor.erf", "tensor.gelu" ->
          ElementwiseKernels.unary(op, x, a);
      case "tensor.where" -> ElementwiseKernels.where(x, ins.get(1), ins.get(2));
      case "tensor.gemm" -> LinearKernels.gemm(ins, a);
      case "tensor.matmul" -> LinearKernels.matmul(x, ins.get(1));
      case "tensor.conv" -> LinearKernels.conv(ins, a);
      case "tensor.conv_transpose" -> LinearKernels.convTranspose(ins, a);
      case "tensor.maxpool", "tensor.averagepool" -> PoolKernels.pool(op, x, a);
      case "tensor.globalaveragepool" -> PoolKernels.globalAverage(x);
      case "tensor.batchnorm" -> NormKernels.batchnorm(ins, a.getDouble("epsilon"));
      case "tensor.layer_norm" -> NormKernels.layerNorm(ins, a);
      case "tensor.softmax" -> NormKernels.softmax(x, a.getInt("axis"), false);
      case "tensor.log_softmax" -> NormKernels.softmax(x, a.getInt("axis"), true);
      case "tensor.reduce_sum", "tensor.reduce_mean" -> NormKernels.reduce(op, x, a);
      case "tensor.argmax" -> NormKernels.argmax(x, a);
      case "tensor.reshape" -> DataKernels.reshape(x, a.getInts("shape"));
      case "tensor.transpose" -> DataKernels.transpose(x, a.getInts("perm"));
      case "tensor.concat" -> DataKernels.concat(ins, a.getInt("axis"));
      case "tensor.slice" -> DataKernels.slice(x, a);
      case "tensor.gather" -> DataKernels.gather(x, a.getInt("axis"), a.getTensor("indices"));
      case "tensor.pad" -> DataKernels.pad(x, a.getInts("pads"), a.getDouble("value"));
      case "tensor.expand" -> DataKernels.expand(x, a.getInts("shape"));
      default -> throw new IllegalArgumentException("expected a tensor op, but found '" + op
          + "'");
    };
    return List.of(r);
  }
}
