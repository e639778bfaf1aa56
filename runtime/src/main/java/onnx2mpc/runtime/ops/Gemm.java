package onnx2mpc.runtime.ops;

/**
 * Matrix products over Z_2^64 ({@code long} arithmetic wraps, so this is the ring product):
 * C += A B with row-major A [m, k], B [k, n], C [m, n] stored contiguously from given offsets.
 *
 * <p>The kernel is the i-k-j loop, blocked: a panel of KC rows by NC columns of B stays in L2
 * while two rows of C at a time run over it (every B word loaded feeds two multiply-adds), and
 * the innermost loop walks contiguous {@code long}s of B and C so that C2 can vectorize it.
 * Large products are cut into row (or column) ranges on {@link Parallel}'s pool.
 *
 * <p>On AVX2 without AVX-512DQ, C2 has no 64-bit vector multiply (it emulates one with three
 * 32-bit multiplies), so the kernel runs at roughly one to two multiply-adds per cycle and core.
 */
public final class Gemm {
  /** Rows of the B panel (depth of the k block). */
  static final int KC = 64;
  /** Columns of the B panel. */
  static final int NC = 1024;
  /** Fewest columns per task for which a column split is preferred to a row split. */
  static final int MIN_TASK_COLUMNS = 128;

  private Gemm() {}

  /** c[co + i n + j] += sum_p a[ao + i k + p] * b[bo + p n + j], for i < m, j < n. */
  public static void mulAdd(long[] a, int ao, long[] b, int bo, long[] c, int co, int m, int k,
      int n) {
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    int tasks = Parallel.tasksFor((long) m * k * n, Math.max(m / 2, n / 16));
    if (tasks == 1) {
      kernel(a, ao, b, bo, c, co, k, n, 0, m, 0, n);
    } else if (n > m && n >= MIN_TASK_COLUMNS * tasks || m / 2 < tasks) {
      // Wide C (a convolution's [O, OH*OW]): column ranges (multiples of 8), so each task
      // streams only its own slice of the large B, which every row of the small A reuses.
      int groups = (n + 7) / 8;
      Parallel.run(tasks, t -> {
        int j0 = Math.min(n, 8 * Parallel.chunk(groups, tasks, t));
        int j1 = Math.min(n, 8 * Parallel.chunk(groups, tasks, t + 1));
        kernel(a, ao, b, bo, c, co, k, n, 0, m, j0, j1);
      });
    } else {
      // Row ranges of even length, so the two-row kernel never leaves a lone row mid-matrix.
      int pairs = m / 2;
      Parallel.run(tasks, t -> {
        int i0 = 2 * Parallel.chunk(pairs, tasks, t);
        int i1 = t == tasks - 1 ? m : 2 * Parallel.chunk(pairs, tasks, t + 1);
        kernel(a, ao, b, bo, c, co, k, n, i0, i1, 0, n);
      });
    }
  }

  /** Returns A B as a fresh array. */
  public static long[] mul(long[] a, long[] b, int m, int k, int n) {
    long[] c = new long[m * n];
    mulAdd(a, 0, b, 0, c, 0, m, k, n);
    return c;
  }

  /**
   * Batched product c[t] += a[t?] b[t?] for t < batch; an unbatched operand is shared by every
   * batch (numpy matmul broadcasting of the leading axis).
   */
  public static void batchedMulAdd(long[] a, boolean aBatched, long[] b, boolean bBatched,
      long[] c, int batch, int m, int k, int n) {
    int sa = aBatched ? m * k : 0;
    int sb = bBatched ? k * n : 0;
    int sc = m * n;
    long work = (long) m * k * n;
    if (batch > 1 && work < Parallel.MIN_WORK) {
      int tasks = Parallel.tasksFor(work * batch, batch);
      Parallel.run(tasks, t -> {
        for (int i = Parallel.chunk(batch, tasks, t); i < Parallel.chunk(batch, tasks, t + 1);
            i++) {
          kernel(a, i * sa, b, i * sb, c, i * sc, k, n, 0, m, 0, n);
        }
      });
    } else {
      for (int i = 0; i < batch; i++) {
        mulAdd(a, i * sa, b, i * sb, c, i * sc, m, k, n);
      }
    }
  }

  /** Rows [i0, i1) and columns [j0, j1) of C += A B, single-threaded. */
  static void kernel(long[] a, int ao, long[] b, int bo, long[] c, int co, int k, int n, int i0,
      int i1, int j0, int j1) {
    for (int jj = j0; jj < j1; jj += NC) {
      int je = Math.min(j1, jj + NC);
      for (int pp = 0; pp < k; pp += KC) {
        int pe = Math.min(k, pp + KC);
        int i = i0;
        for (; i + 1 < i1; i += 2) {
          int c0 = co + i * n;
          int c1 = c0 + n;
          int a0 = ao + i * k;
          int a1 = a0 + k;
          for (int p = pp; p < pe; p++) {
            long x0 = a[a0 + p];
            long x1 = a[a1 + p];
            int bp = bo + p * n;
            for (int j = jj; j < je; j++) {
              long y = b[bp + j];
              c[c0 + j] += x0 * y;
              c[c1 + j] += x1 * y;
            }
          }
        }
        if (i < i1) {
          int c0 = co + i * n;
          int a0 = ao + i * k;
          for (int p = pp; p < pe; p++) {
            long x0 = a[a0 + p];
            int bp = bo + p * n;
            for (int j = jj; j < je; j++) {
              c[c0 + j] += x0 * b[bp + j];
            }
          }
        }
      }
    }
  }
}
