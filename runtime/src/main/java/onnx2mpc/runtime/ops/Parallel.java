package onnx2mpc.runtime.ops;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one thread pool the kernels share. Its size is the system property
 * {@code onnx2mpc.threads}, or the number of available processors. Kernels split only work
 * above {@link #MIN_WORK} multiply-adds, so that small ops do not pay for scheduling.
 */
public final class Parallel {
  /** Number of worker threads. */
  public static final int THREADS = Math.max(1,
      Integer.getInteger("onnx2mpc.threads", Runtime.getRuntime().availableProcessors()));

  /** Work (in multiply-adds or words) below which a kernel runs on the calling thread. */
  public static final long MIN_WORK = 1L << 18;

  private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

  private Parallel() {}

  /** How many tasks to cut {@code work} into: 1 below MIN_WORK, at most {@code maxTasks}. */
  public static int tasksFor(long work, int maxTasks) {
    if (POOL == null || work < MIN_WORK) {
      return 1;
    }
    long byWork = work / MIN_WORK;
    return (int) Math.max(1, Math.min(Math.min(byWork, 2L * THREADS), maxTasks));
  }

  /** Runs body(0) .. body(tasks - 1) and returns when all are done; task 0 runs here. */
  public static void run(int tasks, IntConsumer body) {
    if (tasks <= 1 || POOL == null) {
      for (int t = 0; t < tasks; t++) {
        body.accept(t);
      }
      return;
    }
    ForkJoinTask<?>[] forks = new ForkJoinTask<?>[tasks - 1];
    for (int t = 1; t < tasks; t++) {
      final int task = t;
      forks[t - 1] = POOL.submit(() -> body.accept(task));
    }
    RuntimeException failure = null;
    try {
      body.accept(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (ForkJoinTask<?> f : forks) {
      try {
        f.join();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Start of chunk t when [0, n) is cut into {@code tasks} nearly equal chunks. */
  public static int chunk(int n, int tasks, int t) {
    return (int) ((long) n * t / tasks);
  }
}
