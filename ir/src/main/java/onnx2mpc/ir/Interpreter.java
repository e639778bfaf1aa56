package onnx2mpc.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import onnx2mpc.ir.interp.Kernels;

/**
 * Plaintext reference semantics of the {@code tensor.*} dialect: doubles for real data, longs
 * for integer data, ONNX semantics with numpy broadcasting. It is the oracle the compiled MPC
 * program is compared with, and the frontend folds constants with it.
 *
 * <p>Fixed-point scales and visibilities in the types are ignored: every value is plaintext.
 */
public final class Interpreter {
  private Interpreter() {}

  /**
   * Runs a tensor-dialect graph and returns its outputs, in output order. Intermediate values
   * are dropped after their last use, so that a ResNet does not hold every activation.
   *
   * @param inputsByName one tensor per graph input, keyed by the input's name; a real tensor
   *     given for an INT input (or an integer tensor for a FIXED input) is converted
   * @throws IrException naming the node (and its ONNX origin) whose evaluation failed, or the
   *     input that is missing or has the wrong shape
   */
  public static Map<Value, Tensor> run(Graph g, Map<String, Tensor> inputsByName) {
    return evaluate(g, inputsByName, false);
  }

  /** Like {@link #run} but returns every value: inputs, constants, and every node result. */
  public static Map<Value, Tensor> runAll(Graph g, Map<String, Tensor> inputsByName) {
    return evaluate(g, inputsByName, true);
  }

  /**
   * Evaluates one op on plaintext operands.
   *
   * @throws IllegalArgumentException when the op is unknown or the operands do not fit
   */
  public static List<Tensor> eval(String op, List<Tensor> operands, Attrs attrs) {
    return Kernels.eval(op, operands, attrs);
  }

  private static Map<Value, Tensor> evaluate(Graph g, Map<String, Tensor> inputs, boolean all) {
    Map<Value, Tensor> env = new IdentityHashMap<>();
    for (Value in : g.inputs()) {
      env.put(in, bindInput(in, inputs));
    }
    for (String name : inputs.keySet()) {
      if (g.inputs().stream().noneMatch(v -> name.equals(v.name()))) {
        throw new IrException("expected inputs named " + inputNames(g) + ", but found '"
            + name + "'");
      }
    }
    env.putAll(g.constants());
    Map<Value, Integer> lastUse = new IdentityHashMap<>();
    List<Node> nodes = g.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      for (Value v : nodes.get(i).inputs()) {
        lastUse.put(v, i);
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      List<Tensor> ins = new ArrayList<>(n.inputs().size());
      for (Value v : n.inputs()) {
        Tensor t = env.get(v);
        if (t == null) {
          throw new IrException(n, "expected operand " + v + " to be defined before use,"
              + " but it is not");
        }
        ins.add(t);
      }
      List<Tensor> outs;
      try {
        outs = Kernels.eval(n.op(), ins, n.attrs());
      } catch (RuntimeException e) {
        if (e instanceof IrException) {
          throw e;
        }
        IrException ex = new IrException(n, String.valueOf(e.getMessage()));
        ex.initCause(e);
        throw ex;
      }
      for (int k = 0; k < n.outputs().size(); k++) {
        Value o = n.outputs().get(k);
        Tensor t = outs.get(k);
        if (!t.shape().equals(o.shape())) {
          throw new IrException(n, "expected result " + o + " of shape " + o.shape()
              + ", but the interpreter computed " + t.shape());
        }
        env.put(o, t);
      }
      if (!all) {
        for (Value v : n.inputs()) {
          if (lastUse.get(v) == i && !g.outputs().contains(v)) {
            env.remove(v);
          }
        }
      }
    }
    if (all) {
      return env;
    }
    Map<Value, Tensor> result = new LinkedHashMap<>();
    for (Value o : g.outputs()) {
      result.put(o, env.get(o));
    }
    return result;
  }

  private static Tensor bindInput(Value in, Map<String, Tensor> inputs) {
    Tensor t = inputs.get(in.name());
    if (t == null) {
      throw new IrException("expected a tensor for graph input '" + in.name() + "', but none"
          + " was given (given: " + inputs.keySet() + ")");
    }
    if (!t.shape().equals(in.shape())) {
      throw new IrException("expected graph input '" + in.name() + "' of shape "
          + in.shape() + ", but found " + t.shape());
    }
    Elem e = in.type().elem();
    if (e == Elem.FIXED && t.isInt()) {
      return Tensor.reals(t.shape(), t.reals());
    }
    if (e != Elem.FIXED && !t.isInt()) {
      return Tensor.ints(t.shape(), t.ints());
    }
    return t;
  }

  private static String inputNames(Graph g) {
    return g.inputs().stream().map(v -> "'" + v.name() + "'")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
