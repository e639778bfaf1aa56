package onnx2mpc.runtime;

/** What the dealer's program needs: the parties' seeded streams and a line to party 0. */
public interface DealerSession extends AutoCloseable {
  int parties();

  /**
   * Starts repetition {@code epoch} of {@code epochs}, as the parties do with
   * {@link Session#beginEpoch}: later streams are addressed under the epoch, and the networked
   * dealer first waits until every party has started it. The default supports a single run.
   */
  default void beginEpoch(int epoch, int epochs) {
    if (epoch != 0 || epochs != 1) {
      throw new UnsupportedOperationException(getClass().getName()
          + " supports one run only, but was asked for repetition " + epoch + " of " + epochs);
    }
  }

  /** The stream that party {@code party} expands with {@link Session#dealerPrg}. */
  Prg partyPrg(int party, long corr, int component);

  /** The stream that party {@code party} expands with {@link Session#dealerPrgOnce}. */
  Prg partyPrgOnce(int party, long corr, int component);

  /** Sends party 0 its correction for correlation {@code corr}. */
  void sendToParty0(long corr, long[] words);

  long bytesSent();

  @Override
  void close();
}
