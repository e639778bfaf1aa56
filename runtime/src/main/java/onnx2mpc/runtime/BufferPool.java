package onnx2mpc.runtime;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Recycled value arrays for one party's session: a kernel takes its output array from here
 * ({@link Ctx#alloc}), and when the program frees a slot ({@link Ctx#release}) the array comes
 * back, so that the next value of the same length reuses it instead of allocating and zeroing
 * new memory. A 1M-element multiply allocated about 110 MB per repetition, which the serial
 * collector then copied and compacted in 30 to 50 ms of pauses per repetition per party.
 *
 * <p>Arrays come back dirty: only kernels that write every element of their output take it
 * from here. Only arrays this pool handed out come back ({@link #owns}); one that becomes
 * permanent (kept across repetitions) is {@link #disown disowned}. The transport's event loop
 * takes received messages' arrays from here too, hence the locking.
 *
 * <p>Free arrays are bounded in total ({@link #capacityWords}; the oldest goes first) and held
 * through soft references, so that the pool never costs the program the memory it needs: a
 * ResNet's heap is sized close to its peak of live values.
 */
public final class BufferPool {
  /** Smaller arrays are cheap to allocate and are not recycled. */
  public static final int MIN_WORDS = 1 << 12;

  /** A free array and its length (the reference may be cleared by then). */
  private record Entry(SoftReference<long[]> ref, int words) {}

  private final long capacityWords;
  /** Free arrays by length, the most recently returned first. */
  private final Map<Integer, ArrayDeque<Entry>> free = new HashMap<>();
  /** Every free array, the most recently returned first. */
  private final ArrayDeque<Entry> byAge = new ArrayDeque<>();
  private long freeWords;
  /**
   * Arrays handed out and not back yet, weakly: one that dies in a slot never freed (the end of
   * a repetition) or still referenced where it was freed is simply collected. Arrays do not
   * override equals and hashCode, so this set compares identities.
   */
  private final Set<long[]> handedOut = Collections.newSetFromMap(new WeakHashMap<>());
  private long reused;
  private long allocated;

  /** A pool holding at most {@code capacityWords} words of free arrays. */
  public BufferPool(long capacityWords) {
    this.capacityWords = capacityWords;
  }

  /**
   * A pool holding at most an eighth of the heap in free arrays, and at least 64 MiB (eight
   * 1M-element values) for the small heaps of small programs, whose few large values would
   * otherwise be allocated anew in every repetition.
   */
  public BufferPool() {
    this(Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8 / 8));
  }

  /** An array of n words: a recycled one (any contents) or a new one (zeros). */
  public synchronized long[] take(int n) {
    if (n < MIN_WORDS) {
      return new long[n];
    }
    long[] a = null;
    ArrayDeque<Entry> q = free.get(n);
    while (a == null && q != null && !q.isEmpty()) {
      Entry e = q.pop();
      byAge.removeFirstOccurrence(e);
      freeWords -= e.words;
      a = e.ref.get();
    }
    if (a != null) {
      reused++;
    } else {
      a = new long[n];
      allocated++;
    }
    handedOut.add(a);
    return a;
  }

  /** Whether a came from {@link #take} and has not come back or been disowned. */
  public synchronized boolean owns(long[] a) {
    return a != null && handedOut.contains(a);
  }

  /**
   * Takes back an array this pool handed out, which nothing references any more; any other
   * array (foreign, disowned, already back) is ignored.
   */
  public synchronized void give(long[] a) {
    if (!handedOut.remove(a) || a.length > capacityWords) {
      return;
    }
    Entry e = new Entry(new SoftReference<>(a), a.length);
    free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(e);
    byAge.push(e);
    freeWords += a.length;
    while (freeWords > capacityWords) {
      Entry oldest = byAge.removeLast();
      free.get(oldest.words).removeLastOccurrence(oldest);
      freeWords -= oldest.words;
    }
  }

  /** Forgets a: it stays referenced for good (kept across repetitions), never to come back. */
  public synchronized void disown(long[] a) {
    if (a != null) {
      handedOut.remove(a);
    }
  }

  /** Words held in free arrays (some may have been cleared by the collector). */
  public synchronized long freeWords() {
    return freeWords;
  }

  /** Arrays of at least {@link #MIN_WORDS} words taken again after coming back. */
  public synchronized long reused() {
    return reused;
  }

  /** Arrays of at least {@link #MIN_WORDS} words allocated new. */
  public synchronized long allocated() {
    return allocated;
  }
}
