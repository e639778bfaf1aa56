package onnx2mpc.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated graphs against what torch.onnx.export wrote for torchvision's ResNet-18
 * (the shared reference models), and the structure of the deeper variants.
 */
class ResNetGeneratorTest {

  /** The shared models folder, or null when absent (the reference tests are then skipped). */
  static Path sharedModels() {
    String prop = System.getProperty("onnx2mpc.shared");
    Path base = prop != null ? Path.of(prop) : Path.of("../../shared");
    Path models = base.resolve("models");
    return Files.isDirectory(models) ? models : null;
  }

  static ModelProto reference(String name) throws IOException {
    Path dir = sharedModels();
    Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve(name + "/model.onnx")),
        "shared model " + name + " absent");
    try (InputStream in = Files.newInputStream(dir.resolve(name + "/model.onnx"))) {
      return ModelProto.parseFrom(in);
    }
  }

  @Test
  void resnet18At224MatchesTorchExport() throws IOException {
    assertSameGraph(reference("resnet18"), ResNetGenerator.resnet(18, 224, 1));
  }

  /** The CIFAR reference is the same torchvision network with a 10-class head. */
  @Test
  void resnet18At32MatchesTorchExportOfCifarModel() throws IOException {
    assertSameGraph(reference("resnet18_cifar"), ResNetGenerator.resnet(18, 32, 10, 1));
  }

  /**
   * Node by node: op type, name, attributes, tensor names, and the shapes of every input and
   * output (initializer dims, and intermediate shapes inferred by {@link FloatEval}); then
   * the whole protos with weight bytes removed, which catches any field not listed here.
   */
  static void assertSameGraph(ModelProto want, ModelProto got) {
    assertEquals(want.getIrVersion(), got.getIrVersion(), "ir_version");
    assertEquals(want.getProducerName(), got.getProducerName(), "producer_name");
    assertEquals(want.getProducerVersion(), got.getProducerVersion(), "producer_version");
    assertEquals(want.getOpsetImportList(), got.getOpsetImportList(), "opset_import");
    GraphProto w = want.getGraph();
    GraphProto g = got.getGraph();
    assertEquals(w.getName(), g.getName(), "graph name");
    assertEquals(w.getInputList(), g.getInputList(), "graph inputs");
    assertEquals(w.getOutputList(), g.getOutputList(), "graph outputs");
    assertEquals(w.getValueInfoList(), g.getValueInfoList(), "value_info");
    assertEquals(w.getNodeCount(), g.getNodeCount(), "node count");
    Map<String, int[]> ws = FloatEval.shapes(want);
    Map<String, int[]> gs = FloatEval.shapes(got);
    for (int i = 0; i < w.getNodeCount(); i++) {
      NodeProto a = w.getNode(i);
      NodeProto b = g.getNode(i);
      String at = "node " + i + " (" + a.getName() + ") ";
      assertEquals(a.getOpType(), b.getOpType(), at + "op_type");
      assertEquals(a.getName(), b.getName(), at + "name");
      assertEquals(a.getAttributeList(), b.getAttributeList(), at + "attributes");
      assertEquals(a.getInputList(), b.getInputList(), at + "input names");
      assertEquals(a.getOutputList(), b.getOutputList(), at + "output names");
      for (String in : a.getInputList()) {
        assertArrayEquals(ws.get(in), gs.get(in), at + "shape of input " + in);
      }
      assertArrayEquals(ws.get(a.getOutput(0)), gs.get(b.getOutput(0)), at + "output shape");
    }
    assertEquals(w.getInitializerCount(), g.getInitializerCount(), "initializer count");
    for (int i = 0; i < w.getInitializerCount(); i++) {
      TensorProto a = w.getInitializer(i);
      TensorProto b = g.getInitializer(i);
      assertEquals(a.getName(), b.getName(), "initializer " + i + " name");
      assertEquals(a.getDimsList(), b.getDimsList(), "initializer " + a.getName() + " dims");
      assertEquals(a.getDataType(), b.getDataType(), "initializer " + a.getName() + " type");
      assertEquals(a.getRawData().size(), b.getRawData().size(), a.getName() + " raw bytes");
    }
    assertEquals(withoutWeights(want), withoutWeights(got), "models with weights removed");
  }

  static ModelProto withoutWeights(ModelProto m) {
    ModelProto.Builder b = m.toBuilder();
    GraphProto.Builder g = b.getGraphBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      g.getInitializerBuilder(i).clearRawData();
    }
    return b.build();
  }

  /** Op counts, the first folded-conv id, and the final feature width per depth at 64x64. */
  @ParameterizedTest
  @CsvSource({"18, 20, 17, 8, 193, 512", "34, 36, 33, 16, 345, 512",
      "50, 53, 49, 16, 497, 2048"})
  void deeperNetsHaveTorchvisionStructure(int depth, int convs, int relus, int adds,
      int firstId, int features) {
    ModelProto m = ResNetGenerator.resnet(depth, 64, 5);
    GraphProto g = m.getGraph();
    Map<String, Integer> ops = new TreeMap<>();
    g.getNodeList().forEach(n -> ops.merge(n.getOpType(), 1, Integer::sum));
    Map<String, Integer> want = new TreeMap<>(Map.of("Conv", convs, "Relu", relus,
        "Add", adds, "MaxPool", 1, "GlobalAveragePool", 1, "Flatten", 1, "Gemm", 1));
    assertEquals(want, ops, "op counts");
    assertEquals(convs + relus + adds + 4, g.getNodeCount(), "node count");

    // Folded-conv parameters are numbered three apart, weight then bias.
    List<NodeProto> convNodes = g.getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv")).toList();
    for (int k = 0; k < convNodes.size(); k++) {
      NodeProto n = convNodes.get(k);
      assertEquals(List.of("onnx::Conv_" + (firstId + 3 * k), "onnx::Conv_" + (firstId + 3 * k
          + 1)), n.getInputList().subList(1, 3), n.getName());
    }
    assertConvWeightsChain(m);
    Map<String, int[]> shapes = FloatEval.shapes(m);
    assertArrayEquals(new int[] {1, features, 1, 1},
        shapes.get("/avgpool/GlobalAveragePool_output_0"), "pooled features");
    assertArrayEquals(new int[] {1, 1000}, shapes.get("output"), "logits");
    // 64 -> conv1 32 -> maxpool 16 -> stages 16, 8, 4, 2.
    String last = depth == 50 ? "/layer4/layer4.2/relu_2/Relu_output_0"
        : depth == 34 ? "/layer4/layer4.2/relu_1/Relu_output_0"
        : "/layer4/layer4.1/relu_1/Relu_output_0";
    assertArrayEquals(new int[] {1, features, 2, 2}, shapes.get(last), last);
  }

  /**
   * Each Conv's weight is [out, in, k, k] with in = the channels of its input, bias [out];
   * every tensor is defined before use and every initializer is used; Add operands and the
   * Gemm weight agree (FloatEval's shape propagation checks both).
   */
  static void assertConvWeightsChain(ModelProto m) {
    GraphProto g = m.getGraph();
    Map<String, TensorProto> inits = new LinkedHashMap<>();
    g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    Map<String, int[]> shapes = FloatEval.shapes(m);
    Set<String> defined = new HashSet<>(inits.keySet());
    defined.add(g.getInput(0).getName());
    Set<String> used = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        assertTrue(defined.contains(in), n.getName() + ": " + in + " used before definition");
        used.add(in);
      }
      assertTrue(defined.add(n.getOutput(0)), n.getOutput(0) + " defined twice");
      if (n.getOpType().equals("Conv")) {
        int[] x = shapes.get(n.getInput(0));
        List<Long> wd = inits.get(n.getInput(1)).getDimsList();
        List<Long> bd = inits.get(n.getInput(2)).getDimsList();
        assertEquals(x[1], wd.get(1).intValue(), n.getName() + " weight in-channels");
        assertEquals(List.of(wd.get(0)), bd, n.getName() + " bias dims");
        assertEquals(shapes.get(n.getOutput(0))[1], wd.get(0).intValue(), n.getName());
      }
    }
    assertEquals(inits.keySet(), used.stream().filter(inits::containsKey)
        .collect(java.util.stream.Collectors.toSet()), "unused initializers");
    assertEquals(List.of("output"), g.getNodeList().get(g.getNodeCount() - 1).getOutputList());
  }

  @Test
  void resnet50BlocksFollowTorchvisionV15() {
    ModelProto m = ResNetGenerator.resnet(50, 64, 2);
    Map<String, NodeProto> byName = new LinkedHashMap<>();
    m.getGraph().getNodeList().forEach(n -> byName.put(n.getName(), n));
    List<String> block = byName.keySet().stream()
        .filter(s -> s.startsWith("/layer2/layer2.0/")).toList();
    assertEquals(List.of("/layer2/layer2.0/conv1/Conv", "/layer2/layer2.0/relu/Relu",
        "/layer2/layer2.0/conv2/Conv", "/layer2/layer2.0/relu_1/Relu",
        "/layer2/layer2.0/conv3/Conv", "/layer2/layer2.0/downsample/downsample.0/Conv",
        "/layer2/layer2.0/Add", "/layer2/layer2.0/relu_2/Relu"), block);
    // v1.5: the stride is on the 3x3 conv, the 1x1 convs keep stride 1.
    assertEquals(List.of(1L, 1L), ints(byName.get("/layer2/layer2.0/conv1/Conv"), "strides"));
    assertEquals(List.of(2L, 2L), ints(byName.get("/layer2/layer2.0/conv2/Conv"), "strides"));
    assertEquals(List.of(2L, 2L),
        ints(byName.get("/layer2/layer2.0/downsample/downsample.0/Conv"), "strides"));
    // layer1.0 widens 64 -> 256, so it has a stride-1 downsample too.
    assertNotNull(byName.get("/layer1/layer1.0/downsample/downsample.0/Conv"));
    assertEquals(List.of("/layer1/layer1.0/conv3/Conv_output_0",
        "/layer1/layer1.0/downsample/downsample.0/Conv_output_0"),
        byName.get("/layer1/layer1.0/Add").getInputList());
  }

  private static List<Long> ints(NodeProto n, String attr) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(attr)).findFirst()
        .orElseThrow().getIntsList();
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherWeights() {
    ModelProto a = ResNetGenerator.resnet(18, 32, 10, 7);
    assertEquals(a.toByteString(), ResNetGenerator.resnet(18, 32, 10, 7).toByteString());
    ModelProto b = ResNetGenerator.resnet(18, 32, 10, 8);
    assertEquals(withoutWeights(a), withoutWeights(b));
    for (int i = 0; i < a.getGraph().getInitializerCount(); i++) {
      assertNotEquals(a.getGraph().getInitializer(i).getRawData(),
          b.getGraph().getInitializer(i).getRawData(), a.getGraph().getInitializer(i).getName());
    }
  }

  @Test
  void tinyImagesStillGiveValidGraphs() {
    for (int size : new int[] {1, 7, 33}) {
      ModelProto m = ResNetGenerator.resnet(18, size, 3);
      assertConvWeightsChain(m);
      assertArrayEquals(new int[] {1, 1000}, FloatEval.shapes(m).get("output"), "size " + size);
    }
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResNetGenerator.resnet(20, 32, 1));
    assertEquals("depth: expected 18, 34 or 50, but found 20", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ResNetGenerator.resnet(18, 0, 1));
    assertEquals("imageSize: expected >= 1, but found 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ResNetGenerator.run(new String[] {"--depth", "18"}));
    assertEquals("-o: expected an output file, but found none", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ResNetGenerator.run(new String[] {"--size", "big", "-o", "x.onnx"}));
    assertEquals("--size: expected a number, but found big", e.getMessage());
  }

  /** The command line writes the model and a numpy-1.0 input like the shared input.npy. */
  @Test
  void commandLineWritesModelAndInput(@TempDir Path dir) throws IOException {
    Path onnx = dir.resolve("r18.onnx");
    Path npy = dir.resolve("input.npy");
    ResNetGenerator.run(new String[] {"--depth", "18", "--size", "32", "--classes", "10",
        "--seed", "4", "-o", onnx.toString(), "--input", npy.toString()});
    try (InputStream in = Files.newInputStream(onnx)) {
      assertEquals(ResNetGenerator.resnet(18, 32, 10, 4), ModelProto.parseFrom(in));
    }
    byte[] bytes = Files.readAllBytes(npy);
    byte[] header = NpyWriter.float32Header(1, 3, 32, 32);
    assertEquals(header.length + 4 * 3 * 32 * 32, bytes.length);
    assertArrayEquals(header, Arrays.copyOf(bytes, header.length));
    assertEquals(0, header.length % 64, "numpy aligns the data to 64 bytes");
    float[] x = ResNetGenerator.randomInput(32, 4);
    java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(bytes, header.length, 4 * x.length)
        .slice().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i], fb.get(i));
      sum += x[i];
      sq += x[i] * x[i];
    }
    assertEquals(0, sum / x.length, 0.1, "mean of N(0,1) input");
    assertEquals(1, sq / x.length, 0.1, "second moment of N(0,1) input");
  }

  /** Headers byte for byte as numpy.save writes them (taken from the shared inputs). */
  @Test
  void npyHeaderMatchesNumpy() throws IOException {
    Path dir = sharedModels();
    Assumptions.assumeTrue(dir != null, "shared models absent");
    for (String model : new String[] {"resnet18", "resnet18_cifar"}) {
      Path f = dir.resolve(model + "/input.npy");
      Assumptions.assumeTrue(Files.isRegularFile(f), f + " absent");
      int size = model.equals("resnet18") ? 224 : 32;
      byte[] want = NpyWriter.float32Header(1, 3, size, size);
      assertArrayEquals(want, Arrays.copyOf(Files.readAllBytes(f), want.length), model);
    }
    Path out = dir.resolve("resnet18/expected_output.npy");
    byte[] want = NpyWriter.float32Header(1, 1000);
    assertArrayEquals(want, Arrays.copyOf(Files.readAllBytes(out), want.length), "output");
  }
}
