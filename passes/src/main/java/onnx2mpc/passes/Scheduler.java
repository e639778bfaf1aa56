package onnx2mpc.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.OpDef;
import onnx2mpc.ir.Value;

/**
 * schedule-rounds and plan-dealer: splits the mpc graph into an offline part (constants, dealer
 * correlations and everything computed from them alone) and an online part, and orders the
 * online part by communication depth. A value's round is the number of exchanges on its longest
 * dependency chain; a node runs in the phase of its operands' highest round, and every open
 * staged in phase p is sent in exchange p + 1, so independent opens at the same depth share one
 * message per peer. Total rounds = the longest chain of opens.
 */
final class Scheduler {
  /** The ordered program: offline nodes, then online phases each closed by an exchange. */
  record Schedule(List<Node> offline, List<List<Node>> phases, Map<Node, Integer> exchangeOf) {}

  private Scheduler() {}

  static Schedule schedule(Graph g) {
    Map<Value, Boolean> offlineValue = new IdentityHashMap<>();
    List<Node> offline = new ArrayList<>();
    List<Node> online = new ArrayList<>();
    for (Node n : g.nodes()) {
      OpDef d = MpcOps.get(n.op());
      boolean off = d.comm() == OpDef.Comm.DEALER || n.op().equals("mpc.const")
          || (d.comm() == OpDef.Comm.LOCAL && !n.op().equals("mpc.input") && !n.inputs().isEmpty()
              && n.inputs().stream().allMatch(v -> offlineValue.getOrDefault(v, false)));
      for (Value o : n.outputs()) {
        offlineValue.put(o, off);
      }
      (off ? offline : online).add(n);
    }
    // Dealer correlations are produced in correlation order; keep offline in that order by
    // moving every dealer node to the front, constants and local precomputation after.
    List<Node> ordered = new ArrayList<>();
    offline.stream().filter(n -> MpcOps.get(n.op()).comm() == OpDef.Comm.DEALER)
        .forEach(ordered::add);
    offline.stream().filter(n -> MpcOps.get(n.op()).comm() != OpDef.Comm.DEALER)
        .forEach(ordered::add);

    Map<Value, Integer> round = new IdentityHashMap<>();
    Map<Integer, List<Node>> byPhase = new java.util.TreeMap<>();
    Map<Node, Integer> exchangeOf = new LinkedHashMap<>();
    for (Node n : online) {
      int phase = 0;
      for (Value in : n.inputs()) {
        phase = Math.max(phase, round.getOrDefault(in, 0));
      }
      boolean comm = MpcOps.get(n.op()).comm() == OpDef.Comm.OPEN
          || MpcOps.get(n.op()).comm() == OpDef.Comm.REVEAL;
      for (Value o : n.outputs()) {
        round.put(o, comm ? phase + 1 : phase);
      }
      if (comm) {
        exchangeOf.put(n, phase + 1);
      }
      byPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(n);
    }
    List<List<Node>> phases = new ArrayList<>();
    int expected = 0;
    for (Map.Entry<Integer, List<Node>> e : byPhase.entrySet()) {
      if (e.getKey() != expected) {
        throw new IllegalStateException("phase " + expected + " is empty");
      }
      phases.add(e.getValue());
      expected++;
    }
    return new Schedule(ordered, phases, exchangeOf);
  }
}
