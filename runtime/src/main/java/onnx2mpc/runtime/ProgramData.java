package onnx2mpc.runtime;

/** The data a party program reads: its inputs (ring-encoded) and its constants. */
public interface ProgramData {
  /** Graph input #id, ring-encoded at its scale; null at parties that do not own it. */
  long[] input(int id);

  /** Constant #id, ring-encoded; null at parties that may not see it. */
  long[] constant(int id);

  /** Receives revealed output #index (ring-encoded) at a receiving party. */
  void output(int index, long[] words);
}
