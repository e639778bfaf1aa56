package onnx2mpc.runtime;

/**
 * What a party's program needs from the outside world: correlated randomness and message
 * exchange. The product implementation talks to real peers over TCP; tests may run all parties
 * as threads of one process.
 */
public interface Session extends AutoCloseable {
  /**
   * Bits of a PRG nonce (or dealer correlation id) that belong to the program; the bits above
   * carry the epoch (see {@link #beginEpoch}).
   */
  int EPOCH_SHIFT = 48;

  /** One more than the largest epoch: the epoch fills the nonce's bits 48..62, sign bit clear. */
  int MAX_EPOCHS = 1 << 15;

  int party();

  int parties();

  /**
   * Starts repetition {@code epoch} (0, 1, 2, ... in order) of {@code epochs} repetitions of
   * the program in this session. From then on, every stream of {@link #pairPrg} and
   * {@link #dealerPrg} is addressed under this epoch ({@link #epochAddress}), so that no
   * repetition reuses a mask or a correlation of another: reusing one would let a party
   * subtract two openings masked by the same randomness and learn the difference of secrets.
   * The networked session also waits here until every peer has started the same epoch, and
   * the dealer waits for every party, so that the dealer does not prepare repetition e + 1
   * while the parties still compute repetition e.
   *
   * <p>A session starts in epoch 0; a single run need not call this. The default supports only
   * that single run.
   *
   * @throws IllegalArgumentException if epochs are skipped or repeated, or exceed
   *     {@link #MAX_EPOCHS}
   */
  default void beginEpoch(int epoch, int epochs) {
    if (epoch != 0 || epochs != 1) {
      throw new UnsupportedOperationException(getClass().getName()
          + " supports one run only, but was asked for repetition " + epoch + " of " + epochs);
    }
  }

  /**
   * The PRG address of program nonce (or correlation id) {@code nonce} in repetition
   * {@code epoch}: {@code epoch << 48 | nonce}, injective on the allowed range, and equal to
   * {@code nonce} in epoch 0.
   *
   * @throws IllegalArgumentException if {@code nonce} is outside [0, 2^48) or {@code epoch}
   *     outside [0, {@link #MAX_EPOCHS})
   */
  static long epochAddress(int epoch, long nonce) {
    if (nonce < 0 || nonce >= 1L << EPOCH_SHIFT) {
      throw new IllegalArgumentException("nonce: expected 0 <= nonce < 2^" + EPOCH_SHIFT
          + ", but found " + nonce);
    }
    if (epoch < 0 || epoch >= MAX_EPOCHS) {
      throw new IllegalArgumentException("epoch: expected 0.." + (MAX_EPOCHS - 1)
          + ", but found " + epoch);
    }
    return (long) epoch << EPOCH_SHIFT | nonce;
  }

  /**
   * Checks that {@code epoch} may follow {@code last}, the epoch begun before (-1 if none), in
   * a run of {@code epochs} repetitions: it must be the next one and below {@code epochs}.
   */
  static void checkNextEpoch(int last, int epoch, int epochs) {
    if (epochs < 1 || epochs > MAX_EPOCHS) {
      throw new IllegalArgumentException("epochs: expected 1.." + MAX_EPOCHS + ", but found "
          + epochs);
    }
    if (epoch >= epochs) {
      throw new IllegalArgumentException("epoch: expected one of 0.." + (epochs - 1)
          + ", but found " + epoch);
    }
    if (epoch != last + 1) {
      throw new IllegalArgumentException("epoch: expected " + (last + 1)
          + " (epochs begin in order, each once), but found " + epoch);
    }
  }

  /** AES-CTR stream from the seed this party shares with {@code peer}; same at both ends. */
  Prg pairPrg(int peer, long nonce);

  /** AES-CTR stream from the seed this party shares with the dealer; same at the dealer. */
  Prg dealerPrg(long corr, int component);

  /**
   * {@link #dealerPrg} as addressed in epoch 0, whatever the current epoch: the one stream that
   * every repetition of a session shares. Only the mask of weights private to one party uses
   * it: the owner publishes the masked weights once per session (mpc.publish_masked), and every
   * repetition reuses that opening with fresh triples; no other opening is masked by it.
   */
  Prg dealerPrgOnce(long corr, int component);

  /**
   * Party 0 only: the dealer's next correction message, which must belong to correlation
   * {@code corr} and hold {@code words} words.
   */
  long[] fromDealer(long corr, int words);

  /**
   * One communication round: sends {@code outgoing[q]} to every peer q (null or empty: nothing
   * for q; index {@code party()} is ignored) and returns what each peer sent to this party
   * ({@code null} at index {@code party()}). All parties call this with the same round number.
   */
  long[][] exchange(int round, long[][] outgoing);

  /**
   * {@link #exchange}, with each peer's message given as parts that are sent concatenated
   * ({@code null}: nothing for that peer). Transports override it to send the parts without
   * copying them into one array first.
   */
  default long[][] exchangeParts(int round, long[][][] outgoing) {
    long[][] joined = new long[outgoing.length][];
    for (int q = 0; q < outgoing.length; q++) {
      if (outgoing[q] != null) {
        long total = 0;
        for (long[] p : outgoing[q]) {
          total += p.length;
        }
        joined[q] = new long[Math.toIntExact(total)];
        int off = 0;
        for (long[] p : outgoing[q]) {
          System.arraycopy(p, 0, joined[q], off, p.length);
          off += p.length;
        }
      }
    }
    return exchange(round, joined);
  }

  /**
   * Lets the transport take received messages' arrays from {@code pool}; the program gives
   * them back once it has combined them ({@link Ctx#exchange}). Transports that copy need not.
   */
  default void useBufferPool(BufferPool pool) {}

  /** Bytes this party has sent to other parties so far. */
  long bytesSent();

  /** Bytes this party has received from other parties and the dealer so far. */
  long bytesReceived();

  @Override
  void close();
}
