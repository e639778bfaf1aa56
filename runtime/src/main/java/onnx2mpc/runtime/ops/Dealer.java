package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.Session;

/**
 * The party side of the dealer's correlations. Every party expands its shares of each component
 * from the seed it shares with the dealer ({@link Session#dealerPrg}); party 0 instead receives
 * the components the dealer has to correct (triple c, and_multi products, bit r_arith, trunc
 * r >>> f and msb r, compare's monomials), which the dealer computes as value - sum of parties
 * 1..n-1's expanded shares. So dealer traffic is one share per correlated value.
 * {@link DealerSide} is the other end.
 *
 * <p>Component numbers: triple a = 0, b = 1, c = 2; and_multi masks = 0, products = 1; bit
 * r_bin = 0, r_arith = 1; bit_mul r_bin = 0, r_arith = 1, a = 2, a r = 3; trunc r = 0,
 * r >>> f = 1, msb r = 2 (trunc_compare_mul also monomials = 3, rho_bin = 4, rho_arith = 5,
 * rho (r >>> f) = 6, rho msb r = 7); compare r = 0, monomials = 1; compare_mul also rho_bin = 2,
 * rho_arith = 3, a rho = 4; square a = 0, c = 1. Where party 0 receives several components
 * (trunc, bit_mul, compare_mul), they come as one message of the arrays concatenated in
 * component order.
 */
public final class Dealer {
  private Dealer() {}

  /** mpc.dealer.triple [a, b, c, corr, kind, dims]: arithmetic (a, b, c = a * b). */
  public static void triple(Ctx ctx, int[] args) {
    Args in = new Args(args, 3);
    long corr = in.next();
    int kind = in.next();
    int[] sizes = TripleKind.sizes(kind, in.nextInts());
    Session s = ctx.session();
    ctx.buf[args[0]] = expand(ctx, s.dealerPrg(corr, 0), sizes[0]);
    ctx.buf[args[1]] = expand(ctx, s.dealerPrg(corr, 1), sizes[1]);
    ctx.buf[args[2]] = corrected(ctx, corr, 2, sizes[2]);
  }

  /** mpc.dealer.square [a, c, corr, n]: arithmetic (a, c = a * a). */
  public static void square(Ctx ctx, int[] args) {
    long corr = args[2];
    int n = args[3];
    ctx.buf[args[0]] = expand(ctx, ctx.session().dealerPrg(corr, 0), n);
    ctx.buf[args[1]] = corrected(ctx, corr, 1, n);
  }

  /**
   * mpc.dealer.owner_triple [a, b, c, corr, kind, dims, owner]: a triple for weights private to
   * the owner. The owner's share of a is zero, so a is unknown to it; b is the owner's alone,
   * and the same in every repetition of a session ({@link Session#dealerPrgOnce}), since the
   * weights are published masked by it once (mpc.publish_masked); a and c are fresh each time.
   */
  public static void ownerTriple(Ctx ctx, int[] args) {
    Args in = new Args(args, 3);
    long corr = in.next();
    int kind = in.next();
    int[] sizes = TripleKind.sizes(kind, in.nextInts());
    int owner = in.next();
    Session s = ctx.session();
    boolean isOwner = ctx.party == owner;
    ctx.buf[args[0]] = isOwner ? new long[sizes[0]]
        : expand(ctx, s.dealerPrg(corr, 0), sizes[0]);
    // The owner's only use of b is to publish w - b, done once per session (Comm.publishMasked).
    ctx.buf[args[1]] = isOwner && !ctx.reusesPublications()
        ? expand(ctx, s.dealerPrgOnce(corr, 1), sizes[1]) : null;
    ctx.buf[args[2]] = corrected(ctx, corr, 2, sizes[2]);
  }

  /**
   * mpc.dealer.and_multi [masks, products, corr, words, m, subsets]: masks (m * words words)
   * expanded by everyone from component 0; products (one block of words per subset) from
   * component 1, received by party 0.
   */
  public static void andMulti(Ctx ctx, int[] args) {
    Args in = new Args(args, 2);
    long corr = in.next();
    int words = in.next();
    int m = in.next();
    int subsets = in.nextInts().length;
    ctx.buf[args[0]] = expand(ctx, ctx.session().dealerPrg(corr, 0), m * words);
    ctx.buf[args[1]] = corrected(ctx, corr, 1, subsets * words);
  }

  /**
   * mpc.dealer.bit [rBin, rArith, corr, n]: n random bits, as packed XOR shares (ceil(n / 64)
   * words) and as arithmetic shares (n words).
   */
  public static void bit(Ctx ctx, int[] args) {
    long corr = args[2];
    int n = args[3];
    ctx.buf[args[0]] = expand(ctx, ctx.session().dealerPrg(corr, 0), Bits.blocks(n));
    ctx.buf[args[1]] = corrected(ctx, corr, 1, n);
  }

  /**
   * mpc.dealer.bit_mul [rBin, rArith, a, ar, corr, n]: n random bits r (packed XOR shares and
   * arithmetic shares), a uniform random a and the product a r, both arithmetic. Party 0
   * receives [r_arith | a r] as one message of 2n words.
   */
  public static void bitMul(Ctx ctx, int[] args) {
    long corr = args[4];
    int n = args[5];
    Session s = ctx.session();
    ctx.buf[args[0]] = expand(ctx, s.dealerPrg(corr, 0), Bits.blocks(n));
    ctx.buf[args[2]] = expand(ctx, s.dealerPrg(corr, 2), n);
    correctedTogether(ctx, args, corr, new int[] {1, 3}, n, n);
  }

  /**
   * mpc.dealer.compare [r, monomials, corr, n, k, group]: the mask r, which every party expands
   * (component 0; the dealer takes whatever the shares sum to), and the XOR shares of its
   * bits' monomials ({@link Compare}), component 1, received by party 0.
   */
  public static void compare(Ctx ctx, int[] args) {
    long corr = args[2];
    int n = args[3];
    int words = Compare.monomialRows(args[4], args[5]) * Bits.blocks(n);
    ctx.buf[args[0]] = expand(ctx, ctx.session().dealerPrg(corr, 0), n);
    ctx.buf[args[1]] = corrected(ctx, corr, 1, words);
  }

  /**
   * mpc.dealer.compare_mul [r, monomials, rhoBin, rhoArith, aRho, corr, n, k, group]:
   * mpc.dealer.compare's r and monomials, then random bits rho (packed, component 2, expanded
   * by all), rho as arithmetic shares (3) and a rho with a = -(r + 2^(k-1)) (4), so that the
   * opened c = x - a also serves x * [x >= 0] (see Circuits.relu). Party 0 receives
   * [monomials | rho_arith | a rho] as one message.
   */
  public static void compareMul(Ctx ctx, int[] args) {
    long corr = args[5];
    int n = args[6];
    int words = Compare.monomialRows(args[7], args[8]) * Bits.blocks(n);
    maskAndRho(ctx, args, corr, n, 2);
    correctedTogether(ctx, args, corr, new int[] {1, 3, 4}, words, n, n);
  }

  /**
   * mpc.dealer.onehot [r, code, corr, n, bits]: the lookup mask r (component 0, uncorrected:
   * every party expands its share) and arithmetic shares of its one-hot code [2^bits, n]
   * (component 1), which party 0 receives (see {@link Lut}).
   */
  public static void onehot(Ctx ctx, int[] args) {
    long corr = args[2];
    int n = args[3];
    ctx.buf[args[0]] = expand(ctx, ctx.session().dealerPrg(corr, 0), n);
    ctx.buf[args[1]] = corrected(ctx, corr, 1, (1 << args[4]) * n);
  }

  /**
   * mpc.dealer.trunc [r, rShift, msbR, corr, n, f]: r uniform in the ring, with arithmetic
   * shares of r, r >>> f and msb(r). Party 0 receives its two corrected components as one
   * message of 2n words, r >>> f first.
   */
  public static void trunc(Ctx ctx, int[] args) {
    long corr = args[3];
    int n = args[4];
    Session s = ctx.session();
    ctx.buf[args[0]] = expand(ctx, s.dealerPrg(corr, 0), n);
    correctedTogether(ctx, args, corr, new int[] {1, 2}, n, n);
  }

  /**
   * mpc.dealer.trunc_compare_mul [r, rShift, msbR, monomials, rhoBin, rhoArith, rhoShift,
   * rhoMsb, corr, n, f, k, group]: mpc.dealer.trunc's components 0 to 2, the monomials of
   * r >>> f (3, XOR shares, as mpc.dealer.compare's of its r), random bits rho (4, packed,
   * expanded by all), rho as arithmetic shares (5), rho (r >>> f) (6) and rho msb r (7).
   * Party 0 receives components 1, 2, 3, 5, 6 and 7 as one message.
   */
  public static void truncCompareMul(Ctx ctx, int[] args) {
    long corr = args[8];
    int n = args[9];
    int words = Compare.monomialRows(args[11], args[12]) * Bits.blocks(n);
    maskAndRho(ctx, args, corr, n, 4);
    correctedTogether(ctx, args, corr, new int[] {1, 2, 3, 5, 6, 7}, n, n, words, n, n, n);
  }

  /**
   * The components every party expands in compare_mul and trunc_compare_mul: the mask r
   * (component 0, into args[0]) and the packed random bits rho (component and argument
   * {@code rho}).
   */
  private static void maskAndRho(Ctx ctx, int[] args, long corr, int n, int rho) {
    Session s = ctx.session();
    ctx.buf[args[0]] = expand(ctx, s.dealerPrg(corr, 0), n);
    ctx.buf[args[rho]] = expand(ctx, s.dealerPrg(corr, rho), Bits.blocks(n));
  }

  /**
   * Components that party 0 receives corrected as one message, their words in the order
   * given, and every other party expands from its seed: component c of words[i] words goes to
   * the slot in args[c] (result positions and component numbers coincide).
   */
  private static void correctedTogether(Ctx ctx, int[] args, long corr, int[] components,
      int... words) {
    Session s = ctx.session();
    if (ctx.party == 0) {
      long[] all = receive(s, corr, java.util.Arrays.stream(words).sum());
      int off = 0;
      for (int i = 0; i < components.length; i++) {
        ctx.buf[args[components[i]]] = java.util.Arrays.copyOfRange(all, off, off + words[i]);
        off += words[i];
      }
    } else {
      for (int i = 0; i < components.length; i++) {
        ctx.buf[args[components[i]]] = expand(ctx, s.dealerPrg(corr, components[i]), words[i]);
      }
    }
  }

  /** The next n words of prg, in a recycled array. */
  private static long[] expand(Ctx ctx, Prg prg, int n) {
    long[] a = ctx.alloc(n);
    prg.fill(a);
    return a;
  }

  private static long[] corrected(Ctx ctx, long corr, int component, int words) {
    Session s = ctx.session();
    return ctx.party == 0 ? receive(s, corr, words)
        : expand(ctx, s.dealerPrg(corr, component), words);
  }

  private static long[] receive(Session s, long corr, int words) {
    long[] m = s.fromDealer(corr, words);
    if (m == null || m.length != words) {
      throw new onnx2mpc.runtime.ProtocolException("party 0: expected a dealer correction of "
          + words + " words for correlation " + corr + ", but found "
          + (m == null ? "none" : m.length + ""));
    }
    return m;
  }
}
