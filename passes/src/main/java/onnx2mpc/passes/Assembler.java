package onnx2mpc.passes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.OpDef;
import onnx2mpc.ir.Printer;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.CompiledProgram.Call;
import onnx2mpc.passes.CompiledProgram.Exchange;
import onnx2mpc.passes.CompiledProgram.OutputSpec;
import onnx2mpc.passes.CompiledProgram.Step;
import onnx2mpc.passes.lower.Lowering;

/**
 * plan-memory and code layout: turns a schedule into straight-line steps. Buffer slots are
 * assigned by liveness over the linear order: a slot is released after the last call that reads
 * it and handed to the next value defined, so the live set, not the whole network, bounds the
 * memory a party holds.
 */
final class Assembler {
  private final Lowering.Result lowered;
  private final Scheduler.Schedule schedule;
  private final CompileOptions opts;
  private final Map<Value, Integer> slot = new IdentityHashMap<>();
  private final Deque<Integer> freeSlots = new ArrayDeque<>();
  private int slotCount;
  private final Map<String, Integer> layerIndex = new LinkedHashMap<>();

  private Assembler(Lowering.Result lowered, Scheduler.Schedule schedule, CompileOptions opts) {
    this.lowered = lowered;
    this.schedule = schedule;
    this.opts = opts;
  }

  static CompiledProgram assemble(Lowering.Result lowered, Scheduler.Schedule s,
      CompileOptions opts) {
    return new Assembler(lowered, s, opts).run();
  }

  private CompiledProgram run() {
    List<Node> order = new ArrayList<>();
    schedule.offline().forEach(order::addAll);
    schedule.online().forEach(order::addAll);
    for (Node n : order) {
      layer(n.origin());
    }
    Set<Value> pinned = new HashSet<>(lowered.graph().outputs());
    Map<Value, Integer> lastUse = new IdentityHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      for (Value in : order.get(i).inputs()) {
        lastUse.put(in, i);
      }
    }
    List<Step> offline = new ArrayList<>();
    List<Step> online = new ArrayList<>();
    int[] index = {0};
    int[] round = {0};
    emit(schedule.offline(), offline, index, round, lastUse, pinned);
    emit(schedule.online(), online, index, round, lastUse, pinned);
    List<OutputSpec> outputs = new ArrayList<>();
    List<Value> outs = lowered.graph().outputs();
    for (int i = 0; i < outs.size(); i++) {
      OutputSpec o = lowered.outputs().get(i);
      outputs.add(new OutputSpec(o.name(), o.shape(), o.scale(), slot.get(outs.get(i)),
          o.toMask()));
    }
    List<String> layers = new ArrayList<>(layerIndex.keySet());
    Plan plan = PlanBuilder.build(schedule, layers, lowered.layerOps(), opts.parties(),
        peakLive(order, lastUse, pinned));
    return new CompiledProgram(lowered.graph(), opts.parties(), opts.precision(), offline, online,
        slotCount, lowered.inputs(), outputs, lowered.builder().constants(), layers, plan,
        digest());
  }

  private void emit(List<List<Node>> phases, List<Step> out, int[] index, int[] round,
      Map<Value, Integer> lastUse, Set<Value> pinned) {
    for (List<Node> phase : phases) {
      boolean staged = false;
      int lastLayer = 0;
      for (Node n : phase) {
        out.add(call(n, index[0]++, lastUse, pinned));
        lastLayer = layer(n.origin());
        staged |= schedule.exchangeOf().containsKey(n);
      }
      if (staged) {
        out.add(new Exchange(++round[0], lastLayer));
      }
    }
  }

  /**
   * Per party, the largest number of buffer bytes alive at once: each result is counted from the
   * call that defines it to its last use, at every party that holds it (a value private to
   * another party is absent, and mpc.reshape aliases its operand).
   */
  /** The runtime's bound on dealer corrections waiting at party 0 (net.Link). */
  static final long DEALER_INBOX_BYTES = 32L << 20;

  private long[] peakLive(List<Node> order, Map<Value, Integer> lastUse, Set<Value> pinned) {
    int parties = opts.parties();
    long[] live = new long[parties];
    long[] peak = new long[parties];
    Map<Integer, List<Value>> dying = new java.util.HashMap<>();
    // The dealer runs ahead of party 0 by at most the inbox bound of the runtime (32 MiB).
    live[0] += DEALER_INBOX_BYTES;
    // An exchange of several values briefly holds its messages too: one copy out and one in
    // per peer (a single value is sent and taken without a copy).
    Map<Integer, Long> exchangeWords = new java.util.HashMap<>();
    Map<Integer, Integer> exchangeItems = new java.util.HashMap<>();
    schedule.exchangeOf().forEach((n, x) -> {
      exchangeWords.merge(x, n.input(0).type().words() * 1L, Long::sum);
      exchangeItems.merge(x, 1, Integer::sum);
    });
    exchangeWords.keySet().removeIf(x -> exchangeItems.get(x) == 1);
    long transient_ = 16L * (parties - 1)
        * exchangeWords.values().stream().mapToLong(Long::longValue).max().orElse(0);
    for (int i = 0; i < order.size(); i++) {
      Node n = order.get(i);
      for (Value o : n.outputs()) {
        if (n.op().equals("mpc.reshape")) {
          continue;
        }
        for (int p = 0; p < parties; p++) {
          if (holds(o, p)) {
            live[p] += bytes(o);
          }
        }
        if (!pinned.contains(o)) {
          dying.computeIfAbsent(lastUse.getOrDefault(o, i), k -> new ArrayList<>()).add(o);
        }
      }
      for (int p = 0; p < parties; p++) {
        peak[p] = Math.max(peak[p], live[p]);
      }
      for (Value v : dying.getOrDefault(i, List.of())) {
        for (int p = 0; p < parties; p++) {
          if (holds(v, p)) {
            live[p] -= bytes(v);
          }
        }
      }
    }
    for (int p = 0; p < parties; p++) {
      peak[p] += transient_;
    }
    return peak;
  }

  /**
   * A value's bytes at a party that holds it. With 2 parties an opening for a product is held
   * as two halves until the product reads it: this party's share and the peer's message.
   */
  private long bytes(Value v) {
    boolean halves = opts.parties() == 2 && v.def() != null
        && v.def().op().equals("mpc.open_for_product");
    return (halves ? 16L : 8L) * v.type().words();
  }

  private static boolean holds(Value v, int party) {
    return !v.vis().isPrivate() || v.vis().owner() == party;
  }

  int layer(String origin) {
    return layerIndex.computeIfAbsent(origin == null ? "?" : origin, k -> layerIndex.size());
  }

  private Call call(Node n, int index, Map<Value, Integer> lastUse, Set<Value> pinned) {
    List<Integer> frees = new ArrayList<>();
    // Operands are read before results are written, so an operand's slot may be freed only
    // after the call; allocate results first, then release operands that die here.
    for (Value o : n.outputs()) {
      slot.put(o, freeSlots.isEmpty() ? slotCount++ : freeSlots.pop());
    }
    Set<Value> seen = new HashSet<>();
    for (Value in : n.inputs()) {
      if (seen.add(in) && lastUse.get(in) == index && !pinned.contains(in)) {
        frees.add(slot.get(in));
      }
    }
    for (Value o : n.outputs()) {
      if (!lastUse.containsKey(o) && !pinned.contains(o)) {
        frees.add(slot.get(o));
      }
    }
    OpDef d = MpcOps.get(n.op());
    int[] args = MpcOps.encodeArgs(n, v -> {
      Integer s = slot.get(v);
      if (s == null) {
        throw new IllegalStateException("value " + v + " (from "
            + (v.def() == null ? "?" : v.def().describe()) + ") has no slot at " + n.describe());
      }
      return s;
    });
    for (int f : frees) {
      freeSlots.push(f);
    }
    return new Call(n, d.kernel(), args, layer(n.origin()),
        frees.stream().mapToInt(Integer::intValue).toArray());
  }

  private String digest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Printer.print(lowered.graph()).getBytes(StandardCharsets.UTF_8));
      md.update(opts.toString().getBytes(StandardCharsets.UTF_8));
      for (CompiledProgram.ConstSpec c : lowered.builder().constants()) {
        md.update((c.name() + c.shape()).getBytes(StandardCharsets.UTF_8));
      }
      StringBuilder sb = new StringBuilder();
      for (byte x : md.digest()) {
        sb.append(String.format("%02x", x));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
