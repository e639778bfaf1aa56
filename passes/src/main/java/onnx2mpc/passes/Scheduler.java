package onnx2mpc.passes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.MpcOps;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.OpDef;
import onnx2mpc.ir.Value;

/**
 * schedule-rounds and plan-dealer. Splits the mpc graph into an offline part (everything that
 * does not depend on a graph input: constants, dealer correlations, weight sharing and masking,
 * products of dealer randomness with opened weights) and an online part, and orders each by
 * communication depth. A value's round is the number of exchanges on its longest dependency
 * chain; a node runs in the phase of its operands' highest round, and every open staged in phase
 * p is sent in exchange p + 1, so independent opens at the same depth share one message per
 * peer. Online rounds = the longest chain of opens from an input to an output.
 *
 * <p>Dealer correlations all sit in the first offline phase, in correlation order: the dealer
 * produces them in that order and party 0 consumes its corrections in that order.
 */
final class Scheduler {
  /**
   * @param offline offline phases; exchange k closes phase k-1
   * @param lazyCorrelations dealer correlations made online, when first needed
   * @param online online phases, exchanges numbered after the offline ones
   * @param exchangeOf the exchange (1-based, global) in which each open or reveal is sent
   * @param offlineRounds number of offline exchanges
   */
  record Schedule(List<List<Node>> offline, List<List<Node>> online, Map<Node, Integer> exchangeOf,
      int offlineRounds, int lazyCorrelations) {
    boolean isOnline(int exchange) {
      return exchange > offlineRounds;
    }
  }

  /**
   * Correlations the online phase uses are precomputed offline while they take at most this
   * much memory per party; beyond it (a ResNet) they are made when needed instead, unless the
   * caller asks for them offline anyway (see {@link Pipeline#compile}).
   */
  static final long PRECOMPUTE_LIMIT_BYTES = 128L << 20;

  private Scheduler() {}

  /** {@link #schedule(Graph, boolean)} with large online-only correlations made when needed. */
  static Schedule schedule(Graph g) {
    return schedule(g, false);
  }

  /**
   * @param precomputeAll make every correlation offline, whatever their size
   */
  static Schedule schedule(Graph g, boolean precomputeAll) {
    Map<Value, Boolean> dependsOnInput = new IdentityHashMap<>();
    List<Node> offline = new ArrayList<>();
    List<Node> online = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean on = n.op().equals("mpc.input")
          || n.inputs().stream().anyMatch(v -> dependsOnInput.getOrDefault(v, false));
      for (Value o : n.outputs()) {
        dependsOnInput.put(o, on);
      }
      (on ? online : offline).add(n);
    }
    // A correlation used only online is made when it is needed (parties expand their shares
    // from the seed then; party 0's correction waits in its inbox), so no party holds the whole
    // program's randomness at once.
    Map<Value, List<Node>> users = g.users();
    java.util.Set<Node> onlineSet = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    onlineSet.addAll(online);
    List<Node> lazy = new ArrayList<>();
    for (Node n : offline) {
      if (n.op().startsWith("mpc.dealer.") && n.outputs().stream().allMatch(
          o -> users.getOrDefault(o, List.of()).stream().allMatch(onlineSet::contains))) {
        lazy.add(n);
      }
    }
    long lazyBytes = 0;
    for (Node n : lazy) {
      for (Value o : n.outputs()) {
        lazyBytes += 8L * o.type().words();
      }
    }
    if (precomputeAll || lazyBytes <= PRECOMPUTE_LIMIT_BYTES) {
      lazy.clear(); // small enough to hold: made before any input arrives, as usual
    }
    int lazyCorrelations = lazy.size();
    offline.removeAll(lazy);
    for (Node n : lazy) {
      for (Value o : n.outputs()) {
        dependsOnInput.put(o, true);
      }
    }
    lazy.addAll(online);
    online = lazy;
    Map<Node, Integer> exchangeOf = new LinkedHashMap<>();
    Map<Value, Integer> round = new IdentityHashMap<>();
    List<List<Node>> off = phases(offline, round, exchangeOf, 0);
    if (!off.isEmpty()) {
      off.get(0).sort(Comparator.comparingInt(Scheduler::dealerRank));
      // Correlations that only the online phase uses are made last, after the weight masking
      // products have released the published weights, so the two never peak together.
      // (A correlation that this phase itself uses keeps its place.)
      List<Node> last = off.get(off.size() - 1);
      if (off.size() > 1) {
        java.util.Set<Value> usedHere =
            java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        last.forEach(n -> usedHere.addAll(n.inputs()));
        last.sort(Comparator.comparingInt(n -> n.op().startsWith("mpc.dealer.")
            && n.outputs().stream().noneMatch(usedHere::contains) ? 1 : 0));
      }
    }
    int offlineRounds = exchangeOf.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    // Online rounds start after the offline ones: offline values count as round offlineRounds.
    for (Node n : offline) {
      for (Value o : n.outputs()) {
        round.put(o, offlineRounds);
      }
    }
    List<List<Node>> on = phases(online, round, exchangeOf, offlineRounds);
    return new Schedule(off, on, exchangeOf, offlineRounds, lazyCorrelations);
  }

  /** Dealer nodes first, by correlation id; the sort is stable for the rest. */
  private static int dealerRank(Node n) {
    return n.op().startsWith("mpc.dealer.") ? n.attrs().getInt("corr") - Integer.MAX_VALUE / 2
        : Integer.MAX_VALUE / 2;
  }

  private static List<List<Node>> phases(List<Node> nodes, Map<Value, Integer> round,
      Map<Node, Integer> exchangeOf, int base) {
    TreeMap<Integer, List<Node>> byPhase = new TreeMap<>();
    // Each publication of masked weights gets an exchange of its own, after the previous one:
    // sent alone, the weights need no message copy at either end, and the owner's mask and
    // transformed weights of one layer live only until that layer's exchange.
    int nextPublication = base;
    for (Node n : nodes) {
      int phase = base;
      for (Value in : n.inputs()) {
        phase = Math.max(phase, round.getOrDefault(in, base));
      }
      if (n.op().equals("mpc.publish_masked")) {
        phase = Math.max(phase, nextPublication);
        nextPublication = phase + 1;
      }
      OpDef.Comm c = MpcOps.get(n.op()).comm();
      boolean comm = c == OpDef.Comm.OPEN || c == OpDef.Comm.REVEAL;
      for (Value o : n.outputs()) {
        round.put(o, comm ? phase + 1 : phase);
      }
      if (comm) {
        exchangeOf.put(n, phase + 1);
      }
      byPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(n);
    }
    List<List<Node>> phases = new ArrayList<>();
    int expected = base;
    for (Map.Entry<Integer, List<Node>> e : byPhase.entrySet()) {
      if (e.getKey() != expected) {
        throw new IllegalStateException("phase " + expected + " is empty");
      }
      phases.add(e.getValue());
      expected++;
    }
    deferNonUrgent(phases);
    return phases;
  }

  /**
   * Within each phase, only the nodes that feed the phase's opens must run before its exchange;
   * the rest move to the start of the next phase. Messages leave as early as possible, and work
   * and buffers (dealer correlations above all) are made just before they are needed, which
   * lowers the peak of live memory. Moved nodes keep their relative order, so operands still
   * come before their uses.
   */
  private static void deferNonUrgent(List<List<Node>> phases) {
    for (int p = 0; p + 1 < phases.size(); p++) {
      List<Node> phase = phases.get(p);
      java.util.Set<Node> inPhase = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      inPhase.addAll(phase);
      java.util.Set<Node> urgent = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      java.util.ArrayDeque<Node> work = new java.util.ArrayDeque<>();
      for (Node n : phase) {
        OpDef.Comm c = MpcOps.get(n.op()).comm();
        if (c == OpDef.Comm.OPEN || c == OpDef.Comm.REVEAL) {
          work.add(n);
        }
      }
      while (!work.isEmpty()) {
        Node n = work.pop();
        if (!urgent.add(n)) {
          continue;
        }
        for (Value in : n.inputs()) {
          if (in.def() != null && inPhase.contains(in.def())) {
            work.add(in.def());
          }
        }
      }
      if (urgent.isEmpty()) {
        continue;
      }
      List<Node> now = new ArrayList<>();
      List<Node> later = new ArrayList<>();
      for (Node n : phase) {
        (urgent.contains(n) ? now : later).add(n);
      }
      later.addAll(phases.get(p + 1));
      phases.set(p, now);
      phases.set(p + 1, later);
    }
  }
}
