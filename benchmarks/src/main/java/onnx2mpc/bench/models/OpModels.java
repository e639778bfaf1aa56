package onnx2mpc.bench.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One-op ONNX models for per-operation benchmarks: {@code onnx2mpc bench relu.onnx --input
 * random} then measures one op on 1,000,000 elements, the numbers the issue compares with
 * CrypTen's (multiply 0.15 s, relu 1.17 s, exp 0.42 s, reciprocal 3.15 s, sigmoid 2.13 s,
 * softmax over 1000 x 1000 4.2 s, two parties).
 *
 * <p>Mul multiplies two inputs {@code x} and {@code y} (both secret-shared, so the product is
 * a Beaver product of two shared values, as in CrypTen's benchmark); Square is {@code x * x},
 * which the compiler turns into a square pair (one opening instead of two); the others take one
 * input {@code x}. Softmax runs over the last axis of a [1000, 1000] input; the others take
 * [1, 1000000]. The output is {@code y} ({@code z} for Mul).
 *
 * <p>Reciprocal is only meaningful on positive inputs (Newton's iteration from CrypTen's
 * initial guess assumes them), so {@link #main} also writes {@code reciprocal-input.npy},
 * uniform on [0.5, 8]; random N(0, 1) inputs time it just as well but give a meaningless error.
 */
public final class OpModels {
  /** Elements of the elementwise models' input. */
  public static final int N = 1_000_000;
  /** Rows and columns of the softmax input. */
  public static final int SOFTMAX_SIDE = 1000;

  /** A benchmark op: file stem, ONNX op type, operand names (graph inputs), input shape. */
  public record Op(String name, String opType, List<String> operands, long... shape) {
    /** The graph inputs, in order: the distinct operands. */
    public List<String> inputs() {
      return operands.stream().distinct().toList();
    }

    /** The graph output's name: y, unless an input already has it. */
    public String output() {
      return operands.contains("y") ? "z" : "y";
    }
  }

  /** The ops {@link #main} writes, in the order of the table. */
  public static final List<Op> OPS = List.of(
      new Op("mul", "Mul", List.of("x", "y"), 1, N),
      new Op("square", "Mul", List.of("x", "x"), 1, N),
      new Op("relu", "Relu", List.of("x"), 1, N),
      new Op("exp", "Exp", List.of("x"), 1, N),
      new Op("reciprocal", "Reciprocal", List.of("x"), 1, N),
      new Op("sigmoid", "Sigmoid", List.of("x"), 1, N),
      new Op("softmax", "Softmax", List.of("x"), SOFTMAX_SIDE, SOFTMAX_SIDE));

  private OpModels() {}

  /** The one-node model of {@code op}, opset {@value ResNetGenerator#OPSET}. */
  public static ModelProto model(Op op) {
    NodeProto.Builder node = NodeProto.newBuilder().setName("/" + op.opType())
        .setOpType(op.opType()).addAllInput(op.operands()).addOutput(op.output());
    if (op.opType().equals("Softmax")) {
      node.addAttribute(AttributeProto.newBuilder().setName("axis").setI(-1)
          .setType(AttributeProto.AttributeType.INT));
    }
    GraphProto.Builder g = GraphProto.newBuilder().setName("op_" + op.name()).addNode(node)
        .addOutput(ResNetGenerator.valueInfo(op.output(), op.shape()));
    for (String in : op.inputs()) {
      g.addInput(ResNetGenerator.valueInfo(in, op.shape()));
    }
    return ModelProto.newBuilder()
        .setIrVersion(ResNetGenerator.IR_VERSION)
        .setProducerName("onnx2mpc-bench")
        .setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(ResNetGenerator.OPSET))
        .build();
  }

  /** Positive inputs for the reciprocal model: uniform on [0.5, 8), seeded. */
  public static float[] reciprocalInput(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[N];
    for (int i = 0; i < N; i++) {
      x[i] = (float) rnd.nextDouble(0.5, 8);
    }
    return x;
  }

  /**
   * {@code OpModels [-o DIR]}: writes {@code mul.onnx}, {@code square.onnx}, {@code relu.onnx},
   * {@code exp.onnx}, {@code reciprocal.onnx}, {@code sigmoid.onnx}, {@code softmax.onnx} and
   * {@code reciprocal-input.npy} into DIR (default: the current directory).
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(".");
    if (args.length == 2 && (args[0].equals("-o") || args[0].equals("--output"))) {
      dir = Path.of(args[1]);
    } else if (args.length != 0) {
      System.err.println("usage: OpModels [-o DIR]");
      System.exit(2);
    }
    Files.createDirectories(dir);
    for (Op op : OPS) {
      Path f = dir.resolve(op.name() + ".onnx");
      ResNetGenerator.write(f, model(op));
      System.out.println(f);
    }
    Path in = dir.resolve("reciprocal-input.npy");
    NpyWriter.writeFloat32(in, new int[] {1, N}, reciprocalInput(1));
    System.out.println(in);
  }
}
