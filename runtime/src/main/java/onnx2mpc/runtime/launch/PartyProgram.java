package onnx2mpc.runtime.launch;

import onnx2mpc.runtime.Ctx;

/**
 * A compiled party program: straight-line calls into the runtime's kernels. The compiler
 * generates one implementing class per party and names it in the jar's {@link ProgramInfo}
 * ({@code class} record); {@link PartyMain} instantiates it with its public no-argument
 * constructor.
 */
public interface PartyProgram {
  /** The offline phase: consumes the dealer's correlations; no input is read. */
  void offline(Ctx ctx);

  /** The online phase: reads inputs, computes, reveals the outputs. */
  void online(Ctx ctx);

  /** The number of buffer slots the program uses ({@code Ctx.buf.length}). */
  int slots();
}
