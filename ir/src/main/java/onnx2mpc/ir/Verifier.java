package onnx2mpc.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a graph after every pass. Structure: operands are defined before use, operand and
 * result counts match the op's signature. Information flow (mpc dialect), from DESIGN.md:
 * <ul>
 *   <li>an open takes only a value masked by fresh dealer randomness (x - r, x + r, x ^ r, possibly
 *       plus a public constant or an owner's private data) and each random mask is opened at
 *       most once;
 *   <li>a reveal happens only on a graph output, and only to the parties allowed to learn it;
 *   <li>private(p) data moves only by being shared, or by local data movement at its owner;
 *   <li>operands that a kernel treats as public are public.
 * </ul>
 * A program that breaks these does not compile.
 */
public final class Verifier {
  private final Graph g;
  private final List<String> errors = new ArrayList<>();

  private Verifier(Graph g) {
    this.g = g;
  }

  /** Verifies and throws one {@link IrException} listing every violation. */
  public static void verify(Graph g, String afterPass, int allowedRevealMask) {
    Verifier v = new Verifier(g);
    v.structure();
    if (g.nodes().stream().anyMatch(n -> n.op().startsWith("mpc."))) {
      v.informationFlow(allowedRevealMask);
    }
    if (!v.errors.isEmpty()) {
      throw new IrException("verifier failed after pass '" + afterPass + "':\n  "
          + String.join("\n  ", v.errors));
    }
  }

  private void error(Node n, String msg) {
    errors.add(msg + " (at " + n.describe() + ")");
  }

  private void structure() {
    Set<Value> defined = new HashSet<>(g.inputs());
    defined.addAll(g.constants().keySet());
    for (Node n : g.nodes()) {
      for (Value in : n.inputs()) {
        if (!defined.contains(in)) {
          error(n, "expected operand " + in + " to be defined earlier, but it is not");
        }
      }
      OpDef d = MpcOps.isMpc(n.op()) ? MpcOps.get(n.op()) : null;
      if (d != null) {
        if (d.ins() != OpDef.VARIADIC && d.ins() != n.inputs().size()) {
          error(n, "expected " + d.ins() + " operands, but found " + n.inputs().size());
        }
        if (d.outs() != n.outputs().size()) {
          error(n, "expected " + d.outs() + " results, but found " + n.outputs().size());
        }
        for (OpDef.AttrSpec a : d.attrs()) {
          if (!n.attrs().has(a.name())) {
            error(n, "expected attribute '" + a.name() + "', but it is missing");
          }
        }
      }
      defined.addAll(n.outputs());
    }
    for (Value out : g.outputs()) {
      if (!defined.contains(out)) {
        errors.add("expected output " + out + " to be defined, but it is not");
      }
    }
  }

  private void informationFlow(int allowedRevealMask) {
    Map<Value, Node> maskUse = new IdentityHashMap<>();
    Set<Value> outputs = new HashSet<>(g.outputs());
    for (Node n : g.nodes()) {
      if (!MpcOps.isMpc(n.op())) {
        error(n, "expected only mpc ops after lowering, but found " + n.op());
        continue;
      }
      switch (n.op()) {
        case "mpc.open", "mpc.open_b", "mpc.open_for_product" -> {
          Value mask = maskOf(n.input(0));
          if (mask == null) {
            error(n, "open of a secret that is not masked by fresh dealer randomness");
          } else if (maskUse.containsKey(mask)) {
            error(n, "dealer mask " + mask + " is opened twice (also at "
                + maskUse.get(mask).describe() + ")");
          } else {
            maskUse.put(mask, n);
          }
          if (!n.input(0).vis().isShared()) {
            error(n, "expected a shared operand to open, but found " + n.input(0).vis());
          }
        }
        case "mpc.open_to" -> {
          Value mask = maskOf(n.input(0));
          if (mask == null || !mask.def().op().equals("mpc.dealer.owner_triple")
              || mask.def().attrs().getInt("owner") != n.attrs().getInt("to")) {
            error(n, "open to a party of a secret not masked by dealer randomness hidden from it");
          } else if (maskUse.put(mask, n) != null) {
            error(n, "dealer mask " + mask + " is opened twice");
          }
        }
        case "mpc.publish_masked" -> {
          Value m = n.input(1);
          int owner = n.attrs().getInt("owner");
          if (m.def() == null || !m.def().op().equals("mpc.dealer.owner_triple")
              || !m.vis().equals(Vis.privateTo(owner))) {
            error(n, "publish of a private value not masked by the owner's dealer randomness");
          } else if (maskUse.put(m, n) != null) {
            error(n, "dealer mask " + m + " is published twice");
          }
        }
        case "mpc.reveal" -> {
          if (!outputs.contains(n.output())) {
            error(n, "reveal of a value that is not a graph output");
          }
          int to = n.attrs().getInt("to");
          if ((to & ~allowedRevealMask) != 0) {
            error(n, "reveal to parties " + Integer.toBinaryString(to)
                + " outside the allowed set " + Integer.toBinaryString(allowedRevealMask));
          }
        }
        default -> { }
      }
      publicOperands(n);
      productOnly(n);
      privateFlow(n);
    }
  }

  /**
   * The dealer value masking v, or null when v is not of the form x +- r, x ^ r (+ c, or + an
   * owner's data v added to its share).
   */
  private static Value maskOf(Value v) {
    Node d = v.def();
    if (d == null) {
      return null;
    }
    // Adding a constant, or the owner's data to its share, leaves the sum masked by r.
    if (d.op().equals("mpc.add_const") || d.op().equals("mpc.add_av")) {
      return maskOf(d.input(0));
    }
    if (d.op().equals("mpc.sub_aa") || d.op().equals("mpc.add_aa") || d.op().equals("mpc.xor_bb")) {
      for (Value in : d.inputs()) {
        if (in.def() != null && in.def().op().startsWith("mpc.dealer.")) {
          return in;
        }
      }
    }
    return null;
  }

  /**
   * An mpc.open_for_product value is read only by its Beaver product, in an opened operand's
   * place: the runtime may keep it as two halves that no other kernel understands.
   */
  private void productOnly(Node n) {
    for (int i = 0; i < n.inputs().size(); i++) {
      Node d = n.input(i).def();
      if (d == null || !d.op().equals("mpc.open_for_product")) {
        continue;
      }
      boolean ok = n.op().equals("mpc.beaver_mul") && i < 2
          || n.op().equals("mpc.beaver_square") && i == 0;
      if (!ok) {
        error(n, "operand " + i + " is an opening for a Beaver product, which only"
            + " mpc.beaver_mul and mpc.beaver_square may read");
      }
    }
  }

  /** Operand positions that kernels read as public plaintext. */
  private void publicOperands(Node n) {
    int[] pub = switch (n.op()) {
      case "mpc.add_ap", "mpc.sub_ap", "mpc.mul_ap", "mpc.matmul_ap", "mpc.conv_ap",
          "mpc.wconv_ap" -> new int[] {1};
      case "mpc.sub_pa", "mpc.matmul_pa", "mpc.trunc_finish", "mpc.b2a_finish",
          "mpc.and_multi_finish", "mpc.bitmul_finish", "mpc.compare_leaves",
          "mpc.compare_leaves_multi", "mpc.lut", "mpc.beaver_square", "mpc.shift_p",
          "mpc.trunc_finish_bit" -> new int[] {0};
      case "mpc.beaver_mul", "mpc.beaver_matmul", "mpc.beaver_conv" -> new int[] {0, 1};
      default -> new int[0];
    };
    for (int i : pub) {
      if (!n.input(i).vis().isPublic()) {
        error(n, "expected operand " + i + " to be public, but found " + n.input(i).vis());
      }
    }
  }

  /** Ops through which private data may leave its owner: sharing, or masked publication. */
  private static final Set<String> SHARES_OR_MASKS =
      Set.of("mpc.share", "mpc.add_av", "mpc.publish_masked");

  private void privateFlow(Node n) {
    boolean movesData = switch (n.op()) {
      case "mpc.share", "mpc.reshape", "mpc.transpose", "mpc.slice", "mpc.concat", "mpc.pad",
          "mpc.expand", "mpc.window", "mpc.mul_const", "mpc.conv_vv", "mpc.matmul_vv",
          "mpc.wconv_vv", "mpc.publish_masked", "mpc.add_av" -> true;
      default -> false;
    };
    for (Value in : n.inputs()) {
      if (!in.vis().isPrivate()) {
        continue;
      }
      if (!movesData) {
        error(n, "private(" + in.vis().owner() + ") value " + in
            + " used by an op that would expose it; expected it to be shared first");
      } else if (!SHARES_OR_MASKS.contains(n.op()) && !n.output().vis().equals(in.vis())) {
        error(n, "private(" + in.vis().owner() + ") value " + in + " becomes "
            + n.output().vis() + " without being shared");
      }
    }
  }
}
