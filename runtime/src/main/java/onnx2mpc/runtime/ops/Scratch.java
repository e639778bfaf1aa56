package onnx2mpc.runtime.ops;

/**
 * Per-thread scratch arrays for kernels' temporaries (im2col columns, Winograd transforms):
 * allocated once at the largest size a thread has needed and reused by every later call, so
 * that a convolution does not allocate (and the collector reclaim) megabytes each time.
 * Contents are left over from the previous call: a kernel must write what it reads.
 */
final class Scratch {
  private Scratch() {}

  /** An array of at least n words held by {@code slot} for the calling thread. */
  static long[] get(ThreadLocal<long[]> slot, int n) {
    long[] a = slot.get();
    if (a == null || a.length < n) {
      a = new long[n];
      slot.set(a);
    }
    return a;
  }
}
