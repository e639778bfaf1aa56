package onnx2mpc.conformance;

import static onnx2mpc.conformance.CaseKit.d;
import static onnx2mpc.conformance.CaseKit.unary;
import static onnx2mpc.conformance.OnnxGraph.f;
import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 4's shape and data-movement ops, and the Shape / ConstantOfShape / Range chains that
 * PyTorch emits for flatten, view and arange and that the importer must fold. Data movement
 * must be bit exact, but the values still pass through fixed point, so {@link
 * Tolerance#EXACT}. A case that only moves its input would compile to a bare reveal, so most
 * of them end in a product with a weight, which also puts the moved data through a protocol.
 */
final class ShapeCases {
  private ShapeCases() {}

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    Tolerance ex = Tolerance.EXACT;
    c.add(chain("Reshape [2,3,4] -> [0,-1] opset 13", 13, (g, x) -> g.op("Reshape",
        List.of(x, g.vec("shape", 0, -1)))));
    c.add(chain("Reshape [2,3,4] -> [4,-1,2] opset 17", 17, (g, x) -> g.op("Reshape",
        List.of(x, g.vec("shape", 4, -1, 2)))));
    for (int opset : new int[] {11, 13}) {
      c.add(unary("Flatten", opset, -2, 2, d(2, 3, 4), ex, i("axis", 1)));
      c.add(unary("Flatten", opset, -2, 2, d(2, 3, 4), ex, i("axis", 0)));
    }
    c.add(unary("Transpose", 17, -2, 2, d(2, 3, 4), ex, ints("perm", 2, 0, 1)));
    c.add(unary("Transpose", 17, -2, 2, d(2, 3, 4), ex));
    c.add(concat());
    for (int opset : new int[] {11, 13, 17}) {
      c.add(split(opset, true));
    }
    c.add(split(13, false));
    for (int opset : new int[] {11, 17}) {
      c.add(chain("Slice axes [2,0] steps [2,1] opset " + opset, opset, (g, x) -> g.op("Slice",
          List.of(x, g.vec("starts", 1, 1), g.vec("ends", 4, 2), g.vec("axes", 2, 0),
              g.vec("steps", 2, 1)))));
    }
    c.add(chain("Slice negative step and clamped end opset 17", 17, (g, x) -> g.op("Slice",
        List.of(x, g.vec("starts", -1), g.vec("ends", -100), g.vec("axes", 1),
            g.vec("steps", -1)))));
    c.add(chain("Gather axis 1 indices [2,0,2] opset 17", 17, (g, x) -> g.op("Gather",
        List.of(x, g.vec("idx", 2, 0, 2)), i("axis", 1))));
    c.add(chain("Gather scalar index -1 axis 2 opset 17", 17, (g, x) -> g.op("Gather",
        List.of(x, g.ints("idx", d(), -1)), i("axis", 2))));
    c.add(chain("Squeeze/Unsqueeze axes attribute opset 11", 11, (g, x) -> g.op("Squeeze",
        List.of(g.op("Unsqueeze", List.of(x), ints("axes", 1, -1))), ints("axes", 1))));
    for (int opset : new int[] {13, 17}) {
      c.add(chain("Squeeze/Unsqueeze axes input opset " + opset, opset, (g, x) -> g.op(
          "Squeeze", List.of(g.op("Unsqueeze", List.of(x, g.vec("ua", 1, -1))),
              g.vec("sa", 1)))));
    }
    c.add(chain("Expand [2,3,4] -> [2,2,3,4] opset 17", 17, (g, x) -> g.op("Expand",
        List.of(x, g.vec("shape", 2, 1, 1, 1)))));
    c.add(chain("Identity opset 17", 17, (g, x) -> g.op("Identity", List.of(x))));
    c.add(chain("Dropout ratio attribute opset 11", 11, (g, x) -> g.op("Dropout", List.of(x),
        f("ratio", 0.3))));
    c.add(chain("Dropout ratio and training_mode inputs opset 13", 13, (g, x) -> g.op(
        "Dropout", List.of(x, g.scalar("ratio", 0.3), g.bool("train", false)))));
    c.add(chain("Cast float to float opset 17", 17, (g, x) -> g.op("Cast", List.of(x),
        i("to", TensorProto.DataType.FLOAT_VALUE))));
    // PyTorch's x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat, Reshape.
    c.add(chain("Shape-Gather-Unsqueeze-Concat-Reshape (flatten) opset 13", 13, (g, x) -> {
      String n = g.op("Gather", List.of(g.op("Shape", List.of(x)), g.ints("zero", d(), 0)),
          i("axis", 0));
      String dims = g.op("Concat", List.of(g.op("Unsqueeze", List.of(n, g.vec("ax", 0))),
          g.vec("minus1", -1)), i("axis", 0));
      return g.op("Reshape", List.of(x, dims));
    }));
    // torch.ones_like-style: ConstantOfShape(Shape(x)) with a value, times x.
    c.add(chain("Shape-ConstantOfShape opset 17", 17, (g, x) -> g.op("Mul", List.of(x,
        g.op("ConstantOfShape", List.of(g.op("Shape", List.of(x))), OnnxGraph.t("value",
            OnnxGraph.floatTensor("v", d(1), 1.5)))))));
    // torch.arange(x.size(2)) added to x: Shape, Gather, Range, Cast.
    c.add(chain("Shape-Gather-Range-Cast opset 11", 11, (g, x) -> {
      String n = g.op("Gather", List.of(g.op("Shape", List.of(x)), g.ints("two", d(), 2)),
          i("axis", 0));
      String r = g.op("Range", List.of(g.ints("start", d(), 0), n, g.ints("delta", d(), 1)));
      return g.op("Add", List.of(x, g.op("Cast", List.of(r),
          i("to", TensorProto.DataType.FLOAT_VALUE))));
    }));
    return c;
  }

  /** Builds the data-movement part on x [2,3,4]. */
  private interface Movement {
    String apply(OnnxGraph g, String x);
  }

  /**
   * x [2,3,4] (party 1) through the movement, then times a public scalar 0.75 so that the
   * moved data goes through an MPC op before it is revealed.
   */
  private static Case chain(String name, int opset, Movement m) {
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -2, 2, 2, 3, 4);
    g.output(g.op("Mul", List.of(m.apply(g, x), g.scalar("k", 0.75))));
    return g.done(name, Tolerance.EXACT);
  }

  /** Concat along axis 1 of two parties' inputs and a weight. */
  private static Case concat() {
    String name = "Concat axis=1 a:p0 b:p1 w:p0 opset 17";
    OnnxGraph g = new OnnxGraph(name, 17);
    String a = g.input("a", -2, 2, 2, 1, 4);
    String b = g.input("b", -2, 2, 2, 3, 4);
    g.owner("a", 0);
    g.output(g.op("Concat", List.of(a, b, g.weight("w", 1, 2, 2, 4)), i("axis", 1)));
    return g.done(name, Tolerance.EXACT);
  }

  /**
   * Split into sizes [1,3] along axis 2 (each piece to its own output, scaled), with sizes as
   * an attribute before opset 13 and as an input since; or into equal halves without sizes.
   */
  private static Case split(int opset, boolean sized) {
    String name = "Split axis=2 " + (sized ? "sizes [1,3]" : "equal halves") + " opset " + opset;
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("x", -2, 2, 2, 3, 4);
    String[] parts;
    if (!sized) {
      parts = g.ops("Split", 2, List.of(x), i("axis", 2));
    } else if (opset < 13) {
      parts = g.ops("Split", 2, List.of(x), i("axis", 2), ints("split", 1, 3));
    } else {
      parts = g.ops("Split", 2, List.of(x, g.vec("sizes", 1, 3)), i("axis", 2));
    }
    for (String p : parts) {
      g.output(g.op("Mul", List.of(p, g.scalar(p + "_k", 0.75))));
    }
    return g.done(name, Tolerance.EXACT);
  }
}
