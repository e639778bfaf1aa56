package onnx2mpc.conformance;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;
import onnx2mpc.ir.Tensor;

/**
 * One conformance case: a model built in the test, its seeded inputs, who owns what, and the
 * tolerance of the op family it exercises.
 *
 * @param name unique, shown in the test report (op, form, opset, operand mix)
 * @param opset the model's default-domain opset
 * @param inputs graph input name to data
 * @param owners graph input name to owning party; absent means party 1 (the compiler default)
 * @param weightsOwner party owning the initializers, or -1 for public weights
 */
record Case(String name, int opset, ModelProto model, Map<String, Tensor> inputs,
    Map<String, Integer> owners, int weightsOwner, Tolerance tol) {
  @Override
  public String toString() {
    return name;
  }
}
