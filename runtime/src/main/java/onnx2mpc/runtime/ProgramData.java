package onnx2mpc.runtime;

/** The data a party program reads: its inputs (ring-encoded) and its constants. */
public interface ProgramData {
  /** Graph input #id, ring-encoded at its scale; only called at the input's owner. */
  long[] input(int id);

  /** Constant #id, ring-encoded; only called where the constant is present. */
  long[] constant(int id);

  /** Receives revealed output #index (ring-encoded) at a receiving party. */
  void output(int index, long[] words);
}
