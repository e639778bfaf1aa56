package onnx2mpc.passes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx2mpc.ir.Node;
import onnx2mpc.ir.Value;

/**
 * Computes the plan: per layer, the rounds it communicates in, the bytes each party sends and
 * the bytes the dealer sends for its correlations. Every number follows from the schedule: an
 * open of w words costs each party 8 w (n - 1) bytes; a reveal costs each party 8 w bytes per
 * receiving peer; the dealer sends party 0 one correction per correlated value that party 0
 * cannot expand from its seed (triple c, and-triple c, bit r as ring element, trunc r >>> f and
 * msb r).
 */
final class PlanBuilder {
  private PlanBuilder() {}

  static Plan build(Scheduler.Schedule s, List<String> layers, Map<String, String> ops,
      int parties, long[] peakLiveBytes) {
    int nl = layers.size();
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < nl; i++) {
      index.put(layers.get(i), i);
    }
    long[][] bytes = new long[nl][parties];
    long[] dealer = new long[nl];
    List<Set<Integer>> roundSets = new ArrayList<>();
    List<Map<String, Integer>> corrs = new ArrayList<>();
    for (int i = 0; i < nl; i++) {
      roundSets.add(new HashSet<>());
      corrs.add(new LinkedHashMap<>());
    }
    long[] offlineBytes = new long[parties];
    List<Node> all = new java.util.ArrayList<>();
    s.offline().forEach(all::addAll);
    s.online().forEach(all::addAll);
    for (Node n : all) {
      if (!n.op().startsWith("mpc.dealer.")) {
        continue;
      }
      int li = index.get(n.origin() == null ? "?" : n.origin());
      dealer[li] += 8L * dealerWords(n);
      String kind = n.op().substring("mpc.dealer.".length());
      if (kind.equals("triple") || kind.equals("owner_triple")) {
        kind += switch (n.attrs().getInt("kind")) {
          case 0 -> ".mul";
          case 1 -> ".matmul";
          case 3 -> ".winograd";
          default -> ".conv";
        };
      }
      corrs.get(li).merge(kind, 1, Integer::sum);
    }
    for (Map.Entry<Node, Integer> e : s.exchangeOf().entrySet()) {
      Node n = e.getKey();
      int li = index.get(n.origin() == null ? "?" : n.origin());
      long w = n.input(0).type().words();
      boolean online = s.isOnline(e.getValue());
      if (online) {
        roundSets.get(li).add(e.getValue());
      }
      for (int p = 0; p < parties; p++) {
        long sent;
        if (n.op().equals("mpc.reveal")) {
          int to = n.attrs().getInt("to");
          sent = 8 * w * Integer.bitCount(to & ~(1 << p));
        } else if (n.op().equals("mpc.open_to")) {
          sent = p == n.attrs().getInt("to") ? 0 : 8 * w;
        } else if (n.op().equals("mpc.publish_masked")) {
          sent = p == n.attrs().getInt("owner") ? 8 * w * (parties - 1) : 0;
        } else {
          sent = 8 * w * (parties - 1);
        }
        if (online) {
          bytes[li][p] += sent;
        } else {
          offlineBytes[p] += sent;
        }
      }
    }
    List<Plan.LayerPlan> out = new ArrayList<>();
    long[] total = new long[parties];
    long dealerTotal = 0;
    for (int i = 0; i < nl; i++) {
      for (int p = 0; p < parties; p++) {
        total[p] += bytes[i][p];
      }
      dealerTotal += dealer[i];
      StringBuilder c = new StringBuilder();
      corrs.get(i).forEach((k, v) -> c.append(c.length() > 0 ? ", " : "").append(k)
          .append(" x").append(v));
      out.add(new Plan.LayerPlan(layers.get(i), ops.getOrDefault(layers.get(i), "-"),
          roundSets.get(i).size(), bytes[i], dealer[i], c.toString()));
    }
    int rounds = s.exchangeOf().values().stream().mapToInt(Integer::intValue).max().orElse(0)
        - s.offlineRounds();
    return new Plan(out, rounds, total, dealerTotal, s.offlineRounds(), offlineBytes,
        peakLiveBytes);
  }

  /** Words of party 0's correction for a dealer node. */
  static long dealerWords(Node n) {
    List<Value> outs = n.outputs();
    return switch (n.op()) {
      case "mpc.dealer.triple", "mpc.dealer.owner_triple" ->
          outs.get(2).type().words();
      case "mpc.dealer.bit", "mpc.dealer.square" -> outs.get(1).type().words();
      case "mpc.dealer.trunc" -> outs.get(1).type().words() + outs.get(2).type().words();
      case "mpc.dealer.trunc_compare_mul" -> outs.get(1).type().words()
          + outs.get(2).type().words() + outs.get(3).type().words()
          + outs.get(5).type().words() + outs.get(6).type().words()
          + outs.get(7).type().words();
      case "mpc.dealer.and_multi" -> outs.get(1).type().words();
      case "mpc.dealer.bit_mul" -> outs.get(1).type().words() + outs.get(3).type().words();
      case "mpc.dealer.compare", "mpc.dealer.onehot" -> outs.get(1).type().words();
      case "mpc.dealer.compare_mul" -> outs.get(1).type().words() + outs.get(3).type().words()
          + outs.get(4).type().words();
      default -> 0;
    };
  }
}
