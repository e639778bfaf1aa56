package onnx2mpc.bench.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision ResNet-18/34/50 as ONNX graphs, node for node what {@code torch.onnx.export}
 * of PyTorch 1.13 (opset 17, eval mode, do_constant_folding) writes, with seeded random
 * weights, for a [1, 3, S, S] input of any size S.
 *
 * <p>BatchNorm is folded into the convolutions the way the exporter's eval peephole does it,
 * so the graph holds only Conv, Relu, MaxPool, Add, GlobalAveragePool, Flatten and Gemm. The
 * folded weights are calibrated as BN calibration would, but without running the network
 * (see {@link ActivationStats}), so activations stay O(1) at every depth and size and the
 * logits come out O(1..10).
 */
public final class ResNetGenerator {
  public static final int OPSET = 17;
  /** ONNX IR version that PyTorch 1.13 writes for opset 17. */
  public static final long IR_VERSION = 8;
  public static final String INPUT_NAME = "input";
  public static final String OUTPUT_NAME = "output";
  public static final int IMAGENET_CLASSES = 1000;

  /** Keeps the input stream apart from the weight streams drawn from the same seed. */
  private static final long INPUT_SALT = 0x6A09E667F3BCC909L;
  /** BN gamma of convs followed by a Relu: near 1, as BN calibration leaves them. */
  private static final double[] GAMMA_BODY = {0.8, 1.2};
  /**
   * BN gamma closing a residual branch: trained ResNets learn small values there (Goyal et
   * al. 2017 even start them at 0), which keeps the residual stream from growing with depth.
   */
  private static final double[] GAMMA_RESIDUAL = {0.4, 0.8};
  /** Standard deviation of a logit across classes. */
  private static final double LOGIT_SD = 2.5;

  private ResNetGenerator() {}

  /** torchvision's layer table: block kind and blocks per stage. */
  private record Arch(boolean bottleneck, int[] blocks) {}

  private static Arch arch(int depth) {
    return switch (depth) {
      case 18 -> new Arch(false, new int[] {2, 2, 2, 2});
      case 34 -> new Arch(false, new int[] {3, 4, 6, 3});
      case 50 -> new Arch(true, new int[] {3, 4, 6, 3});
      default -> throw new IllegalArgumentException(
          "depth: expected 18, 34 or 50, but found " + depth);
    };
  }

  /** ResNet of the given depth with ImageNet's 1000 classes. */
  public static ModelProto resnet(int depth, int imageSize, long seed) {
    return resnet(depth, imageSize, IMAGENET_CLASSES, seed);
  }

  /**
   * @param depth 18, 34 or 50
   * @param imageSize S of the [1, 3, S, S] input, at least 1
   * @param numClasses output width of the final Gemm (the CIFAR reference uses 10)
   * @param seed everything random derives from it; the same arguments give the same bytes
   */
  public static ModelProto resnet(int depth, int imageSize, int numClasses, long seed) {
    Arch arch = arch(depth);
    if (imageSize < 1) {
      throw new IllegalArgumentException("imageSize: expected >= 1, but found " + imageSize);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses: expected >= 1, but found " + numClasses);
    }
    SplittableRandom root = new SplittableRandom(seed);
    Act x = new Act(INPUT_NAME, 3, imageSize, ActivationStats.standardNormal(3, root.split()));
    Emitter e = new Emitter(root);
    Act stem = e.conv("/conv1", x, 64, 7, 2, GAMMA_BODY);
    x = e.relu("/relu", stem);
    // Relu and max pool commute; pooling the pre-Relu samples is the simpler model.
    x = e.maxPool("/maxpool", x, stem.stats().maxPool3x3().relu());
    for (int stage = 0; stage < 4; stage++) {
      int planes = 64 << stage;
      for (int b = 0; b < arch.blocks()[stage]; b++) {
        String scope = "/layer" + (stage + 1) + "/layer" + (stage + 1) + "." + b;
        int stride = stage > 0 && b == 0 ? 2 : 1;
        x = arch.bottleneck() ? e.bottleneck(scope, x, planes, stride)
            : e.basicBlock(scope, x, planes, stride);
      }
    }
    x = e.globalAveragePool("/avgpool", x);
    x = e.flatten("/Flatten", x);
    e.fc("/fc", x, x.channels(), numClasses);

    GraphProto.Builder g = GraphProto.newBuilder().setName("torch_jit");
    e.finish(g);
    g.addInput(valueInfo(INPUT_NAME, 1, 3, imageSize, imageSize));
    g.addOutput(valueInfo(OUTPUT_NAME, 1, numClasses));
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("pytorch")
        .setProducerVersion("1.13.0")
        .setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OPSET))
        .build();
  }

  /** Serialises {@code model} to {@code file}. */
  public static void write(Path file, ModelProto model) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      model.writeTo(out);
    }
  }

  /** Generates a 1000-class ResNet and writes it to {@code file}. */
  public static void write(Path file, int depth, int imageSize, long seed) throws IOException {
    write(file, resnet(depth, imageSize, seed));
  }

  /** A [1, 3, S, S] input, C order, with i.i.d. N(0, 1) values derived from {@code seed}. */
  public static float[] randomInput(int imageSize, long seed) {
    SplittableRandom rng = new SplittableRandom(seed ^ INPUT_SALT);
    float[] x = new float[3 * imageSize * imageSize];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return x;
  }

  /** Writes {@link #randomInput} as a float32 .npy of shape [1, 3, S, S]. */
  public static void writeInput(Path file, int imageSize, long seed) throws IOException {
    NpyWriter.writeFloat32(file, new int[] {1, 3, imageSize, imageSize},
        randomInput(imageSize, seed));
  }

  /**
   * {@code --depth 18 --size 224 [--classes 1000] [--seed 1] -o FILE.onnx [--input FILE.npy]}.
   */
  public static void main(String[] args) throws IOException {
    try {
      run(args);
    } catch (IllegalArgumentException ex) {
      System.err.println(ex.getMessage());
      System.err.println("usage: ResNetGenerator --depth 18|34|50 --size S [--classes N]"
          + " [--seed N] -o FILE.onnx [--input FILE.npy]");
      System.exit(2);
    }
  }

  /** What {@link #main} does, but failing with IllegalArgumentException on bad usage. */
  static void run(String[] args) throws IOException {
    int depth = 18;
    int size = 224;
    int classes = IMAGENET_CLASSES;
    long seed = 1;
    Path out = null;
    Path input = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + ": expected a value, but found none");
      }
      String v = args[++i];
      try {
        switch (flag) {
          case "--depth" -> depth = Integer.parseInt(v);
          case "--size" -> size = Integer.parseInt(v);
          case "--classes" -> classes = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "-o", "--output" -> out = Path.of(v);
          case "--input" -> input = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(flag + ": expected a number, but found " + v, ex);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("-o: expected an output file, but found none");
    }
    write(out, resnet(depth, size, classes, seed));
    if (input != null) {
      writeInput(input, size, seed);
    }
  }

  static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
        .build();
  }

  /** A tensor flowing through the network: its name, channels, side and moments. */
  private record Act(String name, int channels, int size, ActivationStats stats) {}

  /** A Conv whose weight and bias names are known only once the whole graph is built. */
  private record ConvSlot(NodeProto.Builder node, long[] dims, FoldedConv params) {}

  /**
   * Appends nodes in the exporter's order. Scopes follow the module path; a module called
   * twice in one forward gets a call-count suffix ({@code relu}, {@code relu_1}, ...).
   */
  private static final class Emitter {
    private final SplittableRandom root;
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<ConvSlot> convs = new ArrayList<>();
    private final List<TensorProto> fcParams = new ArrayList<>();

    Emitter(SplittableRandom root) {
      this.root = root;
    }

    Act basicBlock(String s, Act x, int planes, int stride) {
      Act y = relu(s + "/relu", conv(s + "/conv1", x, planes, 3, stride, GAMMA_BODY));
      y = conv(s + "/conv2", y, planes, 3, 1, GAMMA_RESIDUAL);
      return relu(s + "/relu_1", add(s, y, shortcut(s, x, planes, stride)));
    }

    /** torchvision v1.5 bottleneck: the stride sits on the 3x3 conv, expansion 4. */
    Act bottleneck(String s, Act x, int planes, int stride) {
      Act y = relu(s + "/relu", conv(s + "/conv1", x, planes, 1, 1, GAMMA_BODY));
      y = relu(s + "/relu_1", conv(s + "/conv2", y, planes, 3, stride, GAMMA_BODY));
      y = conv(s + "/conv3", y, planes * 4, 1, 1, GAMMA_RESIDUAL);
      return relu(s + "/relu_2", add(s, y, shortcut(s, x, planes * 4, stride)));
    }

    /** The exporter emits the downsample after the branch, right before the Add. */
    private Act shortcut(String s, Act x, int outC, int stride) {
      if (stride == 1 && x.channels() == outC) {
        return x;
      }
      return conv(s + "/downsample/downsample.0", x, outC, 1, stride, GAMMA_BODY);
    }

    Act conv(String scope, Act x, int outC, int k, int stride, double[] gamma) {
      int pad = k / 2;
      FoldedConv p = FoldedConv.create(root.split(), x.stats(), x.size(), outC, k, stride, pad,
          gamma[0], gamma[1]);
      NodeProto.Builder n = node("Conv", scope + "/Conv", x.name())
          .addAttribute(ints("dilations", 1, 1))
          .addAttribute(intAttr("group", 1))
          .addAttribute(ints("kernel_shape", k, k))
          .addAttribute(ints("pads", pad, pad, pad, pad))
          .addAttribute(ints("strides", stride, stride));
      convs.add(new ConvSlot(n, new long[] {outC, x.channels(), k, k}, p));
      return new Act(n.getOutput(0), outC, (x.size() + 2 * pad - k) / stride + 1, p.out());
    }

    Act relu(String scope, Act x) {
      NodeProto.Builder n = node("Relu", scope + "/Relu", x.name());
      return new Act(n.getOutput(0), x.channels(), x.size(), x.stats().relu());
    }

    Act maxPool(String scope, Act x, ActivationStats pooled) {
      NodeProto.Builder n = node("MaxPool", scope + "/MaxPool", x.name())
          .addAttribute(intAttr("ceil_mode", 0))
          .addAttribute(ints("kernel_shape", 3, 3))
          .addAttribute(ints("pads", 1, 1, 1, 1))
          .addAttribute(ints("strides", 2, 2));
      return new Act(n.getOutput(0), x.channels(), (x.size() + 2 - 3) / 2 + 1, pooled);
    }

    /** The residual Add is inline code in the block's forward, so it has the block's scope. */
    Act add(String scope, Act branch, Act shortcut) {
      NodeProto.Builder n = node("Add", scope + "/Add", branch.name(), shortcut.name());
      return new Act(n.getOutput(0), branch.channels(), branch.size(),
          branch.stats().add(shortcut.stats()));
    }

    Act globalAveragePool(String scope, Act x) {
      NodeProto.Builder n = node("GlobalAveragePool", scope + "/GlobalAveragePool", x.name());
      return new Act(n.getOutput(0), x.channels(), 1,
          x.stats().globalAverage(x.size() * x.size()));
    }

    /** torch.flatten(x, 1) is a function call in ResNet.forward: root scope, no module. */
    Act flatten(String name, Act x) {
      NodeProto.Builder n = node("Flatten", name, x.name()).addAttribute(intAttr("axis", 1));
      return new Act(n.getOutput(0), x.channels(), 1, x.stats());
    }

    /**
     * nn.Linear keeps its parameter names (no BN was folded into it). The weight is scaled
     * to the features' second moment so logits spread by about {@link #LOGIT_SD}; the bias
     * is PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     */
    void fc(String scope, Act x, int in, int classes) {
      SplittableRandom rng = root.split();
      double power = 0;
      for (int c = 0; c < in; c++) {
        power += x.stats().mean[c] * x.stats().mean[c] + x.stats().var[c];
      }
      double scale = LOGIT_SD / Math.sqrt(power);
      float[] w = new float[classes * in];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (scale * rng.nextGaussian());
      }
      float[] b = new float[classes];
      double bound = 1 / Math.sqrt(in);
      for (int i = 0; i < classes; i++) {
        b[i] = (float) (bound * (2 * rng.nextDouble() - 1));
      }
      fcParams.add(tensor("fc.weight", w, classes, in));
      fcParams.add(tensor("fc.bias", b, classes));
      NodeProto.Builder n = node("Gemm", scope + "/Gemm", x.name(), "fc.weight", "fc.bias")
          .addAttribute(AttributeProto.newBuilder().setName("alpha").setF(1f)
              .setType(AttributeProto.AttributeType.FLOAT))
          .addAttribute(AttributeProto.newBuilder().setName("beta").setF(1f)
              .setType(AttributeProto.AttributeType.FLOAT))
          .addAttribute(intAttr("transB", 1));
      n.setOutput(0, OUTPUT_NAME);
    }

    /**
     * Names the folded conv parameters and adds nodes and initializers to {@code g}.
     *
     * <p>Why {@code onnx::Conv_193}: the exporter canonicalises the ONNX graph, numbering
     * its values densely: the input, every state_dict entry (conv weight; BN weight, bias,
     * running_mean, running_var, num_batches_tracked; fc weight and bias), then one output
     * per node, BatchNormalization nodes included. Folding a Conv+BN pair then allocates
     * three new values: the fused Conv's output, its weight and its bias. With c convs
     * (= BNs), r Relus and a Adds that puts the k-th conv's weight at
     * 8c + r + a + 8 + 3k, the bias one after: 193 for ResNet-18, 497 for ResNet-50.
     * The unfused fc.weight and fc.bias keep their names and come first, as original
     * parameters precede the inputs the fusion appended.
     */
    void finish(GraphProto.Builder g) {
      int relus = 0;
      int adds = 0;
      for (NodeProto.Builder n : nodes) {
        relus += n.getOpType().equals("Relu") ? 1 : 0;
        adds += n.getOpType().equals("Add") ? 1 : 0;
      }
      int id = 8 * convs.size() + relus + adds + 8;
      List<TensorProto> convParams = new ArrayList<>();
      for (ConvSlot s : convs) {
        String w = "onnx::Conv_" + id;
        String b = "onnx::Conv_" + (id + 1);
        id += 3;
        s.node().addInput(w).addInput(b);
        convParams.add(tensor(w, s.params().weight(), s.dims()));
        convParams.add(tensor(b, s.params().bias(), s.dims()[0]));
      }
      for (NodeProto.Builder n : nodes) {
        g.addNode(n);
      }
      g.addAllInitializer(fcParams).addAllInitializer(convParams);
    }

    /** Appends a node whose single output is named after it, as the exporter names them. */
    private NodeProto.Builder node(String op, String name, String... inputs) {
      NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name)
          .addOutput(name + "_output_0");
      for (String in : inputs) {
        n.addInput(in);
      }
      nodes.add(n);
      return n;
    }
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setI(value)
        .setType(AttributeProto.AttributeType.INT).build();
  }

  /** A float initializer with little-endian raw_data, the encoding PyTorch writes. */
  private static TensorProto tensor(String name, float[] data, long... dims) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setName(name).setRawData(UnsafeByteOperations.unsafeWrap(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
