package onnx2mpc.conformance;

import static onnx2mpc.conformance.OnnxGraph.f;
import static onnx2mpc.conformance.OnnxGraph.i;
import static onnx2mpc.conformance.OnnxGraph.ints;

import java.util.List;

/**
 * {@code torch.nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)} in eval
 * mode (post-norm, batch_first=False) on a [seq 4, batch 1, 16] input, node for node as
 * {@code torch.onnx.export} of PyTorch 1.13 writes the decomposed path of
 * {@code F.multi_head_attention_forward} with constant folding:
 *
 * <pre>
 * qkv = MatMul(x, in_proj_weight^T) + in_proj_bias       ; linear on 3-D input
 * q, k, v = Split(qkv, [16,16,16], axis -1)              ; .chunk(3, dim=-1)
 * q = Transpose(Reshape(q, [4, 2, 8]), [1,0,2])          ; view(L, N*H, d).transpose(0,1)
 * attn = Softmax(MatMul(Div(q, sqrt 8), Transpose(k, [0,2,1])), axis -1)
 * o = Reshape(Transpose(MatMul(attn, v), [1,0,2]), [4, 16])
 * o = Reshape(Gemm(o, out_proj.weight, out_proj.bias, transB=1), [4, 1, 16])  ; 2-D linear
 * x = norm1(x + o); x = norm2(x + linear2(act(linear1(x))))
 * </pre>
 *
 * Q K^T and attention x V are secret x secret products whatever the weights' owner. Layer
 * norm is LayerNormalization at opset 17, and at lower opsets the decomposition PyTorch's
 * symbolic_opset9 emits: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add.
 * The activation is Relu (the default) or Gelu exported as Div-Erf-Add-Mul-Mul.
 */
final class TransformerGraph {
  static final int SEQ = 4;
  static final int D = 16;
  static final int HEADS = 2;
  static final int HEAD_DIM = D / HEADS;
  static final int FF = 32;
  static final double EPS = 1e-5;

  private TransformerGraph() {}

  static OnnxGraph encoderLayer(String name, int opset, boolean gelu) {
    OnnxGraph g = new OnnxGraph(name, opset);
    String x = g.input("src", -1, 1, SEQ, 1, D);
    // nn.MultiheadAttention: xavier_uniform in_proj (bound sqrt(6 / (16 + 48))), zero-ish
    // biases; nn.Linear: uniform within 1/sqrt(fan_in).
    String qkv = g.op("Add", List.of(g.op("MatMul", List.of(x, g.weight("in_proj_weight_t",
        Math.sqrt(6.0 / (D + 3 * D)), D, 3 * D))), g.weight("in_proj_bias", 0.1, 3 * D)));
    String[] p = g.ops("Split", 3, List.of(qkv, g.vec("split", D, D, D)), i("axis", -1));
    String q = heads(g, p[0], "q");
    String k = heads(g, p[1], "k");
    String v = heads(g, p[2], "v");
    String qs = g.op("Div", List.of(q, g.scalar("sqrt_head_dim", Math.sqrt(HEAD_DIM))));
    String scores = g.op("MatMul", List.of(qs, g.op("Transpose", List.of(k),
        ints("perm", 0, 2, 1))));
    String attn = g.op("Softmax", List.of(scores), i("axis", -1));
    String o = g.op("MatMul", List.of(attn, v));
    o = g.op("Reshape", List.of(g.op("Transpose", List.of(o), ints("perm", 1, 0, 2)),
        g.vec("merge_shape", SEQ, D)));
    o = g.op("Gemm", List.of(o, g.weight("out_proj.weight", 1 / Math.sqrt(D), D, D),
        g.weight("out_proj.bias", 1 / Math.sqrt(D), D)), f("alpha", 1), f("beta", 1),
        i("transB", 1));
    o = g.op("Reshape", List.of(o, g.vec("out_shape", SEQ, 1, D)));
    String h = norm(g, g.op("Add", List.of(x, o)), "norm1", opset);
    String ff = linear(g, h, "linear1", D, FF);
    ff = gelu ? NonlinearCases.geluOf(g, ff) : g.op("Relu", List.of(ff));
    ff = linear(g, ff, "linear2", FF, D);
    return g.output(norm(g, g.op("Add", List.of(h, ff)), "norm2", opset));
  }

  /** view(L, N * H, d).transpose(0, 1): [4,1,16] to [2,4,8]. */
  private static String heads(OnnxGraph g, String x, String name) {
    return g.op("Transpose", List.of(g.op("Reshape", List.of(x, g.vec(name + "_heads_shape",
        SEQ, HEADS, HEAD_DIM)))), ints("perm", 1, 0, 2));
  }

  /** F.linear on a 3-D input: MatMul with the folded transposed weight, then Add bias. */
  private static String linear(OnnxGraph g, String x, String name, int in, int out) {
    double bound = 1 / Math.sqrt(in);
    return g.op("Add", List.of(g.op("MatMul", List.of(x, g.weight(name + ".weight_t", bound,
        in, out))), g.weight(name + ".bias", bound, out)));
  }

  private static String norm(OnnxGraph g, String x, String name, int opset) {
    String gamma = g.uniform(name + ".weight", 0.8, 1.2, D);
    String beta = g.weight(name + ".bias", 0.1, D);
    if (opset >= 17) {
      return g.op("LayerNormalization", List.of(x, gamma, beta), i("axis", -1),
          f("epsilon", EPS));
    }
    String mean = g.op("ReduceMean", List.of(x), ints("axes", -1));
    String centered = g.op("Sub", List.of(x, mean));
    String var = g.op("ReduceMean", List.of(g.op("Pow", List.of(centered,
        g.scalar(name + ".two", 2)))), ints("axes", -1));
    String std = g.op("Sqrt", List.of(g.op("Add", List.of(var, g.scalar(name + ".eps", EPS)))));
    String normalized = g.op("Div", List.of(centered, std));
    return g.op("Add", List.of(g.op("Mul", List.of(normalized, gamma)), beta));
  }
}
