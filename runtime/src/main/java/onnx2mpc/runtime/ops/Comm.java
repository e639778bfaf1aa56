package onnx2mpc.runtime.ops;

import onnx2mpc.runtime.Ctx;

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

  /** mpc.open_b [out, in]: every party learns xor_i in_i. */
  public static void openB(Ctx ctx, int[] args) {
    ctx.stageOpen(args[0], ctx.buf[args[1]], true);
  }

  /** mpc.reveal [out, in, to]: the parties in bitmask 'to' learn sum_i in_i. */
  public static void reveal(Ctx ctx, int[] args) {
    ctx.stageReveal(args[0], ctx.buf[args[1]], args[2]);
  }
}
