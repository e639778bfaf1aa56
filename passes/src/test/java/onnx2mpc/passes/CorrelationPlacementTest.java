package onnx2mpc.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx2mpc.frontend.OnnxImporter;
import onnx2mpc.ir.Attrs;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Type;
import onnx2mpc.ir.Value;
import onnx2mpc.ir.Vis;
import onnx2mpc.passes.lower.Lowering;
import org.junit.jupiter.api.Test;

/**
 * Where the pipeline makes the dealer correlations that only the online phase uses: offline,
 * unless they are too large to hold and holding them all would raise the peak of live memory;
 * then each is made when first needed. Compile only.
 */
class CorrelationPlacementTest {
  private static final CompileOptions TWO = new CompileOptions(2, Map.of("x", 1), 0, 0, 16);

  /** relu applied {@code depth} times over n elements. */
  private static Graph relus(int n, int depth) {
    Graph g = new Graph();
    Value v = g.addInput("x", Type.fixed(Shape.of(1, n), 0, Vis.PUBLIC));
    for (int i = 0; i < depth; i++) {
      v = g.add("tensor.relu", List.of(v), Type.fixed(Shape.of(1, n), 0, Vis.PUBLIC),
          Attrs.NONE, "relu_" + i);
    }
    g.markOutput(v);
    return g;
  }

  private static long onlineDealerCalls(CompiledProgram p) {
    return p.online().stream().filter(s -> s instanceof CompiledProgram.Call c
        && c.kernel().contains("Dealer.")).count();
  }

  private static long peak(CompiledProgram p) {
    return java.util.Arrays.stream(p.plan().peakLiveBytes()).max().orElse(0);
  }

  private static List<String> kernels(List<CompiledProgram.Step> steps) {
    return steps.stream().filter(s -> s instanceof CompiledProgram.Call)
        .map(s -> ((CompiledProgram.Call) s).kernel()).toList();
  }

  /**
   * Sharing a graph input needs pseudo-random streams that depend on no input: they are made
   * offline (mpc.zero_share), and online the owner only adds its input (mpc.add_av).
   */
  @Test
  void inputSharingStreamsAreMadeOffline() {
    CompiledProgram p = Pipeline.compile(relus(1 << 16, 1), TWO);
    assertTrue(kernels(p.offline()).contains("Arith.zeroShare"), kernels(p.offline()).toString());
    List<String> online = kernels(p.online());
    assertTrue(online.contains("Arith.addAV"), online.toString());
    assertTrue(online.stream().noneMatch(k -> k.equals("Arith.share")
        || k.equals("Arith.zeroShare")), online.toString());
  }

  /**
   * A product of two fresh inputs opens x - a = (z - a) + v for each (z the sharing of zero,
   * v the owner's data): z - a is made offline, and online before the opening the owner only
   * adds its data. Before, both the addition and the subtraction ran online.
   */
  @Test
  void theMaskOfAFreshInputsOpeningIsSubtractedOffline() {
    Graph g = new Graph();
    Type t = Type.fixed(Shape.of(1, 1 << 12), 0, Vis.PUBLIC);
    Value x = g.addInput("x", t);
    Value y = g.addInput("y", t);
    g.markOutput(g.add("tensor.mul", List.of(x, y), t, Attrs.NONE, "mul"));
    CompiledProgram p = Pipeline.compile(g, new CompileOptions(2, Map.of("x", 1, "y", 1), 0, 0,
        16));
    List<String> offline = kernels(p.offline());
    assertEquals(2, offline.stream().filter(k -> k.equals("Arith.subAA")).count(),
        offline.toString());
    List<String> online = kernels(p.online());
    int opening = 0;
    while (!online.get(opening).startsWith("Comm.open")) {
      opening++;
    }
    List<String> beforeOpening = online.subList(0, opening);
    assertTrue(beforeOpening.stream().allMatch(k -> k.equals("Data.input")
        || k.equals("Arith.addAV")), online.toString());
    assertEquals(2, online.stream().filter(k -> k.equals("Arith.addAV")).count(),
        online.toString());
  }

  @Test
  void smallCorrelationsAreMadeOffline() {
    assertEquals(0, onlineDealerCalls(Pipeline.compile(relus(1 << 16, 3), TWO)));
  }

  /**
   * Three relus of 2M elements: each one's correlations (about 80 MiB) are needed only in turn,
   * so making them all offline would hold all three at once; they are made online instead.
   */
  @Test
  void largeCorrelationsThatWouldRaiseThePeakAreMadeWhenNeeded() {
    Graph g = relus(2 << 20, 3);
    Lowering.Result lowered = Pipeline.lower(g, TWO);
    long allOffline = peak(Assembler.assemble(lowered, Scheduler.schedule(lowered.graph(), true),
        TWO));
    CompiledProgram p = Pipeline.compile(g, TWO);
    assertTrue(onlineDealerCalls(p) > 0, "dealer calls online");
    assertTrue(peak(p) < allOffline, "peak " + peak(p) + " against " + allOffline);
  }

  /**
   * ResNet-18 at 224: its online correlations exceed the limit, but its memory peak is in the
   * offline masking of the weights, so making them offline costs no memory and they are; with
   * exact truncation they cost some (within the allowance), and they still are.
   */
  @Test
  void resnet18MakesItsCorrelationsOffline() throws Exception {
    Path model = ModelsInProcessTest.shared().resolve("resnet18/model.onnx");
    assumeTrue(Files.isRegularFile(model), "shared models not present");
    Graph g = OnnxImporter.load(model);
    CompileOptions o = new CompileOptions(2, Map.of("input", 1), 0, 0, 16);
    Lowering.Result lowered = Pipeline.lower(g, o);
    Scheduler.Schedule lazy = Scheduler.schedule(lowered.graph());
    assertTrue(lazy.lazyCorrelations() > 0, "over the limit, so lazy by default");
    CompiledProgram p = Pipeline.compile(g, o);
    assertEquals(0, onlineDealerCalls(p));
    assertEquals(peak(Assembler.assemble(lowered, lazy, o)), peak(p));

    // With exact truncation its correlations would raise the peak, but by less than an eighth:
    // they are made offline too.
    CompileOptions exact = new CompileOptions(2, Map.of("input", 1), 0, 0, 16, true);
    Lowering.Result exactLowered = Pipeline.lower(g, exact);
    long lazyPeak = peak(Assembler.assemble(exactLowered,
        Scheduler.schedule(exactLowered.graph()), exact));
    CompiledProgram q = Pipeline.compile(g, exact);
    assertEquals(0, onlineDealerCalls(q));
    assertTrue(peak(q) > lazyPeak && peak(q) <= lazyPeak * 9 / 8,
        peak(q) + " against " + lazyPeak);
  }
}
