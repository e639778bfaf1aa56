package onnx2mpc.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a generated party program touches at run time: its buffers (one {@code long[]}
 * per slot; a slot this party holds nothing for stays null), the session to its peers, the
 * program's inputs and constants, and the metrics. Kernels in {@code onnx2mpc.runtime.ops}
 * take a Ctx and their int[] arguments.
 */
public final class Ctx {
  public final int party;
  public final int parties;
  public final long[][] buf;
  private final Session session;
  private final ProgramData data;
  private final Metrics metrics;
  private final List<Staged> staged = new ArrayList<>();
  /** Values kept across the repetitions of one session, see {@link #kept}. */
  private final Map<Integer, long[]> kept;
  /** Recycled value arrays, shared by the repetitions of one session. */
  private final BufferPool pool;
  /** Slots whose value the next exchange writes and {@link #keepAfterExchange} keeps. */
  private final Map<Integer, Integer> keepSlots = new HashMap<>();
  private int publishes;
  /** Whether an earlier repetition of this session published the masked weights. */
  private final boolean reusesPublications;

  /**
   * A value waiting for the next exchange: the parties in {@code from} contribute their share
   * (a party outside {@code from} contributes nothing), the parties in {@code to} learn the sum.
   * Masks are bitmasks of parties; -1 means all.
   */
  private record Staged(int slot, long[] share, int words, boolean xor, int from, int to,
      int layer, boolean forProduct) {}

  /**
   * An opened value left as two halves: this party's share and the peer's part of a received
   * message, words {@code offset ..} of {@code theirs}; the value is their sum. Only Beaver
   * products read it ({@code mpc.open_for_product}), adding as they go instead of reading a
   * summed copy.
   */
  public record Halves(long[] mine, long[] theirs, int offset) {}

  /** Opened values held as halves, by slot (their {@link #buf} entry is null). */
  private final Map<Integer, Halves> halves = new HashMap<>();

  /** A context for a single run: nothing is kept from an earlier repetition. */
  public Ctx(Session session, int slots, ProgramData data, Metrics metrics) {
    this(session, slots, data, metrics, new HashMap<>());
  }

  /**
   * A context for one repetition of a session; {@code kept} is the same map in every
   * repetition of the session (see {@link #kept}).
   */
  public Ctx(Session session, int slots, ProgramData data, Metrics metrics,
      Map<Integer, long[]> kept) {
    this(session, slots, data, metrics, kept, new BufferPool());
  }

  /**
   * A context for one repetition of a session; {@code kept} and {@code pool} are the same in
   * every repetition of the session.
   */
  public Ctx(Session session, int slots, ProgramData data, Metrics metrics,
      Map<Integer, long[]> kept, BufferPool pool) {
    this.pool = pool;
    this.kept = kept;
    this.reusesPublications = !kept.isEmpty();
    this.session = session;
    this.party = session.party();
    this.parties = session.parties();
    this.buf = new long[slots][];
    this.data = data;
    this.metrics = metrics;
  }

  public Session session() {
    return session;
  }

  public ProgramData data() {
    return data;
  }

  public Metrics metrics() {
    return metrics;
  }

  /**
   * The value kept under {@code key} by an earlier repetition of this session, or null. The
   * masked weights are published once per session and kept here by the parties that received
   * them (keys are the publications' order in the program, see {@link #nextPublication}).
   */
  public long[] kept(int key) {
    return kept.get(key);
  }

  /**
   * Whether an earlier repetition of this session published the masked weights, so that this
   * one reuses them: then the owner needs neither its mask nor the difference.
   */
  public boolean reusesPublications() {
    return reusesPublications;
  }

  /** Keeps {@code value} under {@code key} for the later repetitions of this session. */
  public void keep(int key, long[] value) {
    pool.disown(value);
    kept.put(key, value);
  }

  /**
   * An array of n words for a kernel's output, recycled when possible: its contents are
   * arbitrary, so the kernel must write every element.
   */
  public long[] alloc(int n) {
    return pool.take(n);
  }

  /**
   * Frees {@code slot} after its value's last use (generated code calls this where the value
   * dies). Its array goes back to the pool unless something else still refers to it: another
   * slot (kernels may pass a value on as it is), a share staged for the next exchange, or a
   * value kept for later repetitions.
   */
  public void release(int slot) {
    Halves h = halves.remove(slot);
    if (h != null) {
      giveIfDead(h.mine());
      giveIfDead(h.theirs());
    }
    long[] a = buf[slot];
    buf[slot] = null;
    giveIfDead(a);
  }

  private void giveIfDead(long[] a) {
    if (pool.owns(a) && !referenced(a)) {
      pool.give(a);
    }
  }

  /** The opened value in {@code slot} held as halves, or null if it is whole in buf. */
  public Halves halves(int slot) {
    return halves.get(slot);
  }

  /** The opened value in {@code slot} as one array: halves are summed into buf first. */
  public long[] opened(int slot) {
    Halves h = halves.remove(slot);
    if (h != null) {
      long[] mine = h.mine();
      long[] v = alloc(mine.length);
      for (int i = 0; i < v.length; i++) {
        v[i] = mine[i] + h.theirs()[h.offset() + i];
      }
      buf[slot] = v;
      giveIfDead(mine);
      giveIfDead(h.theirs());
    }
    return buf[slot];
  }

  /**
   * Frees every slot at the end of a repetition, so that the next repetition reuses the arrays
   * of the values that lived to the end (outputs, unreleased shares) instead of allocating them
   * anew: with 1M-element values those are 8 MB each, and the serial collector paused party 1
   * of a multiply 6 to 7 ms per repetition to copy them. Outputs are copied when revealed, and
   * kept values are not the pool's, so neither comes back.
   */
  public void releaseAll() {
    for (int slot = 0; slot < buf.length; slot++) {
      release(slot);
    }
  }

  /** Gives a kernel's scratch array (never stored in a slot) back to the pool. */
  public void recycle(long[] scratch) {
    pool.give(scratch);
  }

  private boolean referenced(long[] a) {
    for (long[] b : buf) {
      if (b == a) {
        return true;
      }
    }
    for (Staged s : staged) {
      if (s.share == a) {
        return true;
      }
    }
    for (Halves h : halves.values()) {
      if (h.mine() == a || h.theirs() == a) {
        return true;
      }
    }
    return false;
  }

  /** After the next exchange, keeps the value it writes into {@code slot} under {@code key}. */
  public void keepAfterExchange(int key, int slot) {
    keepSlots.put(key, slot);
  }

  /** Numbers the program's publications in order: 0, 1, 2, ... in every repetition. */
  public int nextPublication() {
    return publishes++;
  }

  /** Marks the ONNX layer that the following kernel calls belong to (for per-layer metrics). */
  public void layer(int index) {
    metrics.enterLayer(index);
  }

  /** Stages this party's share of an open: at the next exchange every party learns the sum. */
  public void stageOpen(int slot, long[] share, boolean xor) {
    stage(slot, share, share.length, xor, -1, -1);
  }

  /**
   * Stages an opening that only a Beaver product reads: with 2 parties, the exchange leaves it
   * as {@link Halves}; otherwise as {@link #stageOpen}.
   */
  public void stageOpenForProduct(int slot, long[] share) {
    stage(slot, share, share.length, false, -1, -1, parties == 2);
  }

  /** Stages a reveal: at the next exchange the parties in {@code toMask} learn the sum. */
  public void stageReveal(int slot, long[] share, int toMask) {
    stage(slot, share, share.length, false, -1, toMask);
  }

  /**
   * Stages a general transfer of {@code words} words: parties in {@code fromMask} send their
   * {@code share} (null elsewhere) to the parties in {@code toMask}, which learn the sum of the
   * senders' shares.
   */
  public void stage(int slot, long[] share, int words, boolean xor, int fromMask, int toMask) {
    stage(slot, share, words, xor, fromMask, toMask, false);
  }

  private void stage(int slot, long[] share, int words, boolean xor, int fromMask, int toMask,
      boolean forProduct) {
    if (in(fromMask, party) && (share == null || share.length != words)) {
      throw new ProtocolException("party " + party + ": expected a share of " + words
          + " words to send, but found " + (share == null ? "none" : share.length + " words"));
    }
    staged.add(new Staged(slot, share, words, xor, fromMask, toMask, metrics.currentLayer(),
        forProduct));
  }

  private static boolean in(int mask, int p) {
    return mask < 0 || (mask >>> p & 1) != 0;
  }

  /**
   * Sends every staged share in one message per peer, receives the peers' messages and writes
   * the opened values into their slots. Message layout is the staging order, which every party
   * knows from the program, so messages carry no headers.
   *
   * <p>A round with nothing staged is skipped: every party stages the same values (with its
   * share or without), so every party skips it. This happens to the offline round of the masked
   * weights in the later repetitions of a session, which reuse the first one's opening.
   */
  public void exchange(int round) {
    if (staged.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    // Each peer's message is the staged shares it gets, in staging order, sent as they are.
    long[][][] out = new long[parties][][];
    for (int q = 0; q < parties; q++) {
      if (q == party) {
        continue;
      }
      List<long[]> parts = new ArrayList<>();
      for (Staged s : staged) {
        if (sendsTo(s, q)) {
          parts.add(s.share);
          metrics.addLayerBytes(s.layer, 8L * s.words);
        }
      }
      out[q] = parts.toArray(new long[0][]);
    }
    long[][] in = session.exchangeParts(round, out);
    int[] offsets = new int[parties];
    boolean[] inSlot = new boolean[parties];
    for (Staged s : staged) {
      if (!in(s.to, party)) {
        continue;
      }
      // A party that only receives in this round still spends the round on this layer.
      metrics.addLayerBytes(s.layer, 0);
      // Values are never mutated once written, so a share nobody adds to is used as it is.
      boolean peersSend = s.from < 0 ? parties > 1 : (s.from & ~(1 << party)) != 0;
      if (s.forProduct) {
        // 2 parties, both send: the value stays our share plus the peer's words.
        int q = 1 - party;
        if (in[q] == null || offsets[q] + s.words > in[q].length) {
          throw new ProtocolException("party " + party + ", round " + round
              + ": message from party " + q + " is shorter than the program expects");
        }
        halves.put(s.slot, new Halves(s.share, in[q], offsets[q]));
        buf[s.slot] = null;
        offsets[q] += s.words;
        inSlot[q] = true;
        continue;
      }
      long[] acc;
      int soleSender = soleOtherSender(s);
      if (soleSender >= 0 && in[soleSender] != null && offsets[soleSender] == 0
          && in[soleSender].length == s.words) {
        // One peer sent exactly this value and nobody adds to it: take its message as it is
        // (the owner's masked weights are large, and a copy would double them).
        acc = in[soleSender];
        offsets[soleSender] = s.words;
        inSlot[soleSender] = true;
        buf[s.slot] = acc;
        continue;
      }
      // The first peer's share is combined with this party's into a fresh array in one pass
      // (the staged share may be referenced elsewhere); later peers' are added in place.
      long[] base = in(s.from, party) ? s.share : null;
      acc = peersSend ? null : base;
      for (int q = 0; q < parties; q++) {
        if (q == party || !in(s.from, q)) {
          continue;
        }
        long[] msg = in[q];
        int off = offsets[q];
        if (msg == null || off + s.words > msg.length) {
          throw new ProtocolException("party " + party + ", round " + round
              + ": message from party " + q + " is shorter than the program expects");
        }
        if (acc == null) {
          acc = combine(base, msg, off, s.words, s.xor);
        } else if (s.xor) {
          for (int i = 0; i < s.words; i++) {
            acc[i] ^= msg[off + i];
          }
        } else {
          for (int i = 0; i < s.words; i++) {
            acc[i] += msg[off + i];
          }
        }
        offsets[q] = off + s.words;
      }
      buf[s.slot] = acc == null ? new long[s.words] : acc;
    }
    for (int q = 0; q < parties; q++) {
      if (q != party && in[q] != null && offsets[q] != in[q].length) {
        throw new ProtocolException("party " + party + ", round " + round + ": message from party "
            + q + " has " + in[q].length + " words, expected " + offsets[q]);
      }
    }
    // Received messages not stored as a value are dead once combined.
    for (int q = 0; q < parties; q++) {
      if (in[q] != null && !inSlot[q]) {
        pool.give(in[q]);
      }
    }
    List<Staged> sent = new ArrayList<>(staged);
    staged.clear();
    // A share whose slot was freed once staged is dead now that it is sent.
    for (Staged s : sent) {
      if (pool.owns(s.share) && !referenced(s.share)) {
        pool.give(s.share);
      }
    }
    for (Map.Entry<Integer, Integer> k : keepSlots.entrySet()) {
      pool.disown(buf[k.getValue()]);
      kept.put(k.getKey(), buf[k.getValue()]);
    }
    keepSlots.clear();
    metrics.round(round, System.nanoTime() - t0);
  }

  /** A new array of base + msg[off ..] (or XOR), or a copy of the message part if no base. */
  private long[] combine(long[] base, long[] msg, int off, int words, boolean xor) {
    long[] acc = alloc(words);
    if (base == null) {
      System.arraycopy(msg, off, acc, 0, words);
    } else if (xor) {
      for (int i = 0; i < words; i++) {
        acc[i] = base[i] ^ msg[off + i];
      }
    } else {
      for (int i = 0; i < words; i++) {
        acc[i] = base[i] + msg[off + i];
      }
    }
    return acc;
  }

  /** The one peer that sends s when this party does not, or -1. */
  private int soleOtherSender(Staged s) {
    if (in(s.from, party) || s.from < 0 || Integer.bitCount(s.from) != 1) {
      return -1;
    }
    return Integer.numberOfTrailingZeros(s.from);
  }

  private boolean sendsTo(Staged s, int q) {
    return in(s.from, party) && in(s.to, q);
  }
}
