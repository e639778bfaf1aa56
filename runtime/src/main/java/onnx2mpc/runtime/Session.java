package onnx2mpc.runtime;

/**
 * What a party's program needs from the outside world: correlated randomness and message
 * exchange. The product implementation talks to real peers over TCP; tests may run all parties
 * as threads of one process.
 */
public interface Session extends AutoCloseable {
  int party();

  int parties();

  /** AES-CTR stream from the seed this party shares with {@code peer}; same at both ends. */
  Prg pairPrg(int peer, long nonce);

  /** AES-CTR stream from the seed this party shares with the dealer; same at the dealer. */
  Prg dealerPrg(long corr, int component);

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

  /** Bytes this party has sent to other parties so far. */
  long bytesSent();

  /** Bytes this party has received from other parties and the dealer so far. */
  long bytesReceived();

  @Override
  void close();
}
