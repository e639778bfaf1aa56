package onnx2mpc.runtime;

/**
 * A stream of pseudo-random 64-bit words. Both ends of a shared seed obtain identical streams
 * for the same (nonce, component), in any order: streams are addressed, not sequential.
 */
public interface Prg {
  /** Fills dst with the next dst.length words of the stream. */
  void fill(long[] dst);

  default long[] next(int n) {
    long[] a = new long[n];
    fill(a);
    return a;
  }
}
