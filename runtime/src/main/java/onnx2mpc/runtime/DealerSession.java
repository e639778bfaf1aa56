package onnx2mpc.runtime;

/** What the dealer's program needs: the parties' seeded streams and a line to party 0. */
public interface DealerSession extends AutoCloseable {
  int parties();

  /** The stream that party {@code party} expands with {@link Session#dealerPrg}. */
  Prg partyPrg(int party, long corr, int component);

  /** Sends party 0 its correction for correlation {@code corr}. */
  void sendToParty0(long corr, long[] words);

  long bytesSent();

  @Override
  void close();
}
