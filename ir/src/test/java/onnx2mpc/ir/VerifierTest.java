package onnx2mpc.ir;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {
  private static final Shape S = Shape.of(4);

  /** input(private 1) -> share -> (masked or not) open -> ... -> reveal to party 1. */
  private static Graph program(boolean masked) {
    Graph g = new Graph();
    Value x = g.add("mpc.input", List.of(), Type.fixed(S, 16, Vis.privateTo(1)),
        Attrs.of("id", 0), "in");
    Value xs = g.add("mpc.share", List.of(x), Type.fixed(S, 16, Vis.ARITH),
        Attrs.of("owner", 1, "nonce", 0, "n", 4), "in");
    Value toOpen = xs;
    if (masked) {
      List<Value> r = g.addNode("mpc.dealer.trunc", List.of(),
          List.of(Type.integer(S, Vis.ARITH), Type.integer(S, Vis.ARITH),
              Type.integer(S, Vis.ARITH)), Attrs.of("corr", 0, "n", 4, "f", 16), "t").outputs();
      toOpen = g.add("mpc.add_aa", List.of(xs, r.get(0)), xs.type(), Attrs.NONE, "t");
    }
    Value z = g.add("mpc.open", List.of(toOpen), toOpen.type().withVis(Vis.PUBLIC), Attrs.NONE,
        "leak");
    Value y = g.add("mpc.sub_aa", List.of(xs, xs), xs.type(), Attrs.NONE, "y");
    Value out = g.add("mpc.reveal", List.of(y), y.type().withVis(Vis.PUBLIC), Attrs.of("to", 2),
        "out");
    g.markOutput(out);
    assertTrue(z != null);
    return g;
  }

  @Test
  void rejectsOpenOfUnmaskedSecret() {
    IrException e = assertThrows(IrException.class,
        () -> Verifier.verify(program(false), "lower", 2));
    assertTrue(e.getMessage().contains("open of a secret that is not masked"), e.getMessage());
    assertTrue(e.getMessage().contains("from ONNX node 'leak'"), e.getMessage());
  }

  @Test
  void acceptsOpenOfMaskedSecret() {
    assertDoesNotThrow(() -> Verifier.verify(program(true), "lower", 2));
  }

  /**
   * The owner's data added to a masked share, (z - r) + v, is still masked by r; the same data
   * added to an unmasked share is not.
   */
  @Test
  void theOwnersDataAddedToAMaskedShareStaysMasked() {
    for (boolean masked : new boolean[] {true, false}) {
      Graph g = new Graph();
      Value v = g.add("mpc.input", List.of(), Type.fixed(S, 16, Vis.privateTo(1)),
          Attrs.of("id", 0), "in");
      Value z = g.add("mpc.zero_share", List.of(), Type.fixed(S, 16, Vis.ARITH),
          Attrs.of("owner", 1, "nonce", 0, "n", 4), "in");
      Value share = z;
      if (masked) {
        List<Value> r = g.addNode("mpc.dealer.trunc", List.of(),
            List.of(Type.integer(S, Vis.ARITH), Type.integer(S, Vis.ARITH),
                Type.integer(S, Vis.ARITH)), Attrs.of("corr", 0, "n", 4, "f", 16), "t")
            .outputs();
        share = g.add("mpc.sub_aa", List.of(z, r.get(0)), z.type(), Attrs.NONE, "t");
      }
      Value x = g.add("mpc.add_av", List.of(share, v), z.type(), Attrs.of("owner", 1), "t");
      Value e = g.add("mpc.open", List.of(x), x.type().withVis(Vis.PUBLIC), Attrs.NONE, "t");
      g.markOutput(g.add("mpc.reveal", List.of(x), x.type().withVis(Vis.PUBLIC),
          Attrs.of("to", 2), "out"));
      assertTrue(e != null);
      if (masked) {
        assertDoesNotThrow(() -> Verifier.verify(g, "lower", 2));
      } else {
        IrException err = assertThrows(IrException.class, () -> Verifier.verify(g, "lower", 2));
        assertTrue(err.getMessage().contains("open of a secret that is not masked"),
            err.getMessage());
      }
    }
  }

  /** An opening for a Beaver product may feed only the product (the runtime keeps halves). */
  @Test
  void anOpeningForAProductFeedsOnlyTheProduct() {
    Graph g = new Graph();
    List<Value> r = g.addNode("mpc.dealer.square", List.of(),
        List.of(Type.fixed(S, 16, Vis.ARITH), Type.fixed(S, 32, Vis.ARITH)),
        Attrs.of("corr", 0, "n", 4), "t").outputs();
    Value x = g.add("mpc.zero_share", List.of(), Type.fixed(S, 16, Vis.ARITH),
        Attrs.of("owner", 1, "nonce", 0, "n", 4), "t");
    Value m = g.add("mpc.sub_aa", List.of(x, r.get(0)), x.type(), Attrs.NONE, "t");
    Value e = g.add("mpc.open_for_product", List.of(m), m.type().withVis(Vis.PUBLIC), Attrs.NONE,
        "t");
    Value sq = g.add("mpc.beaver_square", List.of(e, r.get(0), r.get(1)), r.get(1).type(),
        Attrs.NONE, "t");
    g.markOutput(g.add("mpc.reveal", List.of(sq), sq.type().withVis(Vis.PUBLIC),
        Attrs.of("to", 2), "out"));
    assertDoesNotThrow(() -> Verifier.verify(g, "lower", 2));
    g.add("mpc.add_ap", List.of(x, e), x.type(), Attrs.NONE, "misuse");
    IrException err = assertThrows(IrException.class, () -> Verifier.verify(g, "lower", 2));
    assertTrue(err.getMessage().contains("operand 1 is an opening for a Beaver product"),
        err.getMessage());
  }

  @Test
  void rejectsRevealToPartyNotAllowed() {
    IrException e = assertThrows(IrException.class,
        () -> Verifier.verify(program(true), "lower", 1));
    assertTrue(e.getMessage().contains("outside the allowed set"), e.getMessage());
  }

  @Test
  void rejectsPrivateValueUsedWithoutSharing() {
    Graph g = new Graph();
    Value x = g.add("mpc.input", List.of(), Type.fixed(S, 16, Vis.privateTo(1)),
        Attrs.of("id", 0), "in");
    Value y = g.add("mpc.add_aa", List.of(x, x), Type.fixed(S, 16, Vis.ARITH), Attrs.NONE, "add");
    g.markOutput(g.add("mpc.reveal", List.of(y), y.type().withVis(Vis.PUBLIC), Attrs.of("to", 2),
        "out"));
    IrException e = assertThrows(IrException.class, () -> Verifier.verify(g, "lower", 2));
    assertTrue(e.getMessage().contains("expected it to be shared first"), e.getMessage());
  }

  @Test
  void rejectsMaskOpenedTwice() {
    Graph g = program(true);
    Node dealer = g.nodes().stream().filter(n -> n.op().equals("mpc.dealer.trunc")).findFirst()
        .orElseThrow();
    Value xs = g.nodes().get(1).output();
    Value again = g.add("mpc.sub_aa", List.of(xs, dealer.outputs().get(0)), xs.type(),
        Attrs.NONE, "again");
    g.add("mpc.open", List.of(again), again.type().withVis(Vis.PUBLIC), Attrs.NONE, "again");
    IrException e = assertThrows(IrException.class, () -> Verifier.verify(g, "lower", 2));
    assertTrue(e.getMessage().contains("is opened twice"), e.getMessage());
  }
}
