package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.ProtocolException;

/**
 * Opens and reveals. They are staged: every party sends its share at the next
 * {@link Ctx#exchange}, which writes the sum (or XOR) into the result slot.
 */
public final class Comm {
  private Comm() {}

  /** mpc.open [out, in]: every party learns sum_i in_i. */
  public static void open(Ctx ctx, int[] args) {
    ctx.stageOpen(args[0], ctx.buf[args[1]], false);
  }

  /**
   * mpc.open_for_product [out, in]: as {@link #open}, read only by a Beaver product; with 2
   * parties the value stays this party's share plus the peer's message ({@link Ctx#halves}).
   */
  public static void openForProduct(Ctx ctx, int[] args) {
    ctx.stageOpenForProduct(args[0], ctx.buf[args[1]]);
  }

  /** mpc.open_b [out, in]: every party learns xor_i in_i. */
  public static void openB(Ctx ctx, int[] args) {
    ctx.stageOpen(args[0], ctx.buf[args[1]], true);
  }

  /** mpc.reveal [out, in, to]: the parties in bitmask 'to' learn sum_i in_i. */
  public static void reveal(Ctx ctx, int[] args) {
    ctx.stageReveal(args[0], ctx.buf[args[1]], args[2]);
  }

  /** mpc.open_to [out, in, to, n]: party 'to' learns sum_i in_i; the others learn nothing. */
  public static void openTo(Ctx ctx, int[] args) {
    int to = args[2];
    int n = args[3];
    ctx.stage(args[0], ctx.buf[args[1]], n, false, -1, 1 << to);
  }

  /**
   * mpc.publish_masked [out, v, m, owner, n]: the owner sends v - m to everyone; all learn it.
   * Used for weights masked by dealer randomness only the owner knows, which stays the same
   * for the whole session ({@link onnx2mpc.runtime.Session#dealerPrgOnce}): so the first
   * repetition of a session publishes, and later ones reuse the opening the other parties kept,
   * without sending anything. The owner keeps nothing: its only use of the difference is its
   * product with its share of the triple's a, which is zero (see Linear.isZero).
   */
  public static void publishMasked(Ctx ctx, int[] args) {
    int owner = args[3];
    int n = args[4];
    int key = ctx.nextPublication();
    boolean isOwner = ctx.party == owner;
    if (ctx.reusesPublications()) {
      long[] kept = ctx.kept(key);
      if (kept == null) {
        throw new ProtocolException("party " + ctx.party + ": expected the masked weights of"
            + " publication " + key + " from the session's first repetition, but found none");
      }
      ctx.buf[args[0]] = isOwner ? null : kept;
      return;
    }
    long[] diff = isOwner ? difference(ctx.buf[args[1]], ctx.buf[args[2]], n) : null;
    ctx.stage(args[0], diff, n, false, 1 << owner, -1);
    if (isOwner) {
      ctx.keep(key, new long[0]);
    } else {
      ctx.keepAfterExchange(key, args[0]);
    }
  }

  private static long[] difference(long[] v, long[] m, int n) {
    long[] diff = new long[n];
    for (int i = 0; i < n; i++) {
      diff[i] = v[i] - m[i];
    }
    return diff;
  }
}
