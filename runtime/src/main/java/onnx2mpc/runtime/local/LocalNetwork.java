package onnx2mpc.runtime.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.Session;
import onnx2mpc.runtime.prg.AesCtrPrg;

/**
 * All parties and the dealer in one process, connected by queues: for tests and per-op
 * benchmarks. Each party's {@link Session} and the {@link DealerSession} must be driven by its
 * own thread. Seeds come from {@link AesCtrPrg#newSeed()} (SecureRandom) and streams are AES-CTR,
 * exactly as in the networked runtime; only the transport differs.
 *
 * <p>{@link Session#exchange} sends one message per peer per round (an empty one when there is
 * nothing for that peer) and blocks until every peer's message of that round has arrived, or
 * fails after {@link #TIMEOUT_SECONDS} naming the party and round it waited for.
 */
public final class LocalNetwork {
  /** How long a party waits for a peer's message before giving up. */
  public static final long TIMEOUT_SECONDS = 120;

  private static final long[] EMPTY = new long[0];

  private final int parties;
  /** links[from][to]: messages from one party to another, in round order. */
  private final BlockingQueue<Message>[][] links;
  private final BlockingQueue<Message> dealerToParty0 = new LinkedBlockingQueue<>();
  /** pairSeeds[i][j] == pairSeeds[j][i]: the seed parties i and j share. */
  private final byte[][][] pairSeeds;
  /** dealerSeeds[i]: the seed party i shares with the dealer. */
  private final byte[][] dealerSeeds;
  private final List<Session> sessions = new ArrayList<>();
  private final DealerSession dealer;

  /** A round's (or, from the dealer, a correlation's) words. */
  private record Message(long tag, long[] words) {}

  @SuppressWarnings("unchecked")
  private LocalNetwork(int parties) {
    this.parties = parties;
    links = new BlockingQueue[parties][parties];
    pairSeeds = new byte[parties][parties][];
    dealerSeeds = new byte[parties][];
    for (int i = 0; i < parties; i++) {
      dealerSeeds[i] = AesCtrPrg.newSeed();
      for (int j = 0; j < parties; j++) {
        links[i][j] = new LinkedBlockingQueue<>();
        if (j < i) {
          pairSeeds[i][j] = AesCtrPrg.newSeed();
          pairSeeds[j][i] = pairSeeds[i][j];
        }
      }
    }
    for (int i = 0; i < parties; i++) {
      sessions.add(new LocalSession(i));
    }
    dealer = new LocalDealer();
  }

  /** n parties and a dealer, connected in memory. */
  public static LocalNetwork create(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties: expected at least 1, but found " + parties);
    }
    return new LocalNetwork(parties);
  }

  public int parties() {
    return parties;
  }

  /** Party i's session. */
  public Session party(int i) {
    return sessions.get(i);
  }

  /** All parties' sessions, by party id. */
  public List<Session> sessions() {
    return List.copyOf(sessions);
  }

  public DealerSession dealer() {
    return dealer;
  }

  private static Message take(BlockingQueue<Message> q, String who, String what) {
    try {
      Message m = q.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (m == null) {
        throw new ProtocolException(who + ": no " + what + " within " + TIMEOUT_SECONDS + " s");
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(who + ": interrupted while waiting for " + what, e);
    }
  }

  private final class LocalSession implements Session {
    private final int party;
    private long sent;
    private long received;
    /** The epoch begun last, -1 before the first {@link #beginEpoch} (addresses epoch 0). */
    private int epoch = -1;

    LocalSession(int party) {
      this.party = party;
    }

    @Override
    public int party() {
      return party;
    }

    @Override
    public int parties() {
      return parties;
    }

    /**
     * Only readdresses the streams: threads of one process need no barrier, since every
     * message carries its round and the dealer's queue its correlation.
     */
    @Override
    public void beginEpoch(int next, int epochs) {
      Session.checkNextEpoch(epoch, next, epochs);
      epoch = next;
    }

    @Override
    public Prg pairPrg(int peer, long nonce) {
      if (peer == party || peer < 0 || peer >= parties) {
        throw new IllegalArgumentException("pairPrg: expected a peer other than " + party
            + " in [0, " + parties + "), but found " + peer);
      }
      return new AesCtrPrg(pairSeeds[party][peer], Session.epochAddress(Math.max(epoch, 0),
          nonce), 0);
    }

    @Override
    public Prg dealerPrg(long corr, int component) {
      return new AesCtrPrg(dealerSeeds[party], Session.epochAddress(Math.max(epoch, 0), corr),
          component);
    }

    @Override
    public Prg dealerPrgOnce(long corr, int component) {
      return new AesCtrPrg(dealerSeeds[party], Session.epochAddress(0, corr), component);
    }

    @Override
    public long[] fromDealer(long corr, int words) {
      if (party != 0) {
        throw new IllegalStateException("fromDealer: expected party 0, but found party " + party);
      }
      Message m = take(dealerToParty0, "party 0", "dealer message for correlation " + corr);
      if (m.tag() != corr || m.words().length != words) {
        throw new ProtocolException("party 0: expected dealer correction " + corr + " of "
            + words + " words, but found correction " + m.tag() + " of " + m.words().length);
      }
      received += 8L * words;
      return m.words();
    }

    @Override
    public long[][] exchange(int round, long[][] outgoing) {
      for (int q = 0; q < parties; q++) {
        if (q != party) {
          long[] w = outgoing == null || outgoing[q] == null ? EMPTY : outgoing[q].clone();
          sent += 8L * w.length;
          links[party][q].add(new Message(round, w));
        }
      }
      long[][] in = new long[parties][];
      for (int q = 0; q < parties; q++) {
        if (q != party) {
          Message m = take(links[q][party], "party " + party,
              "message from party " + q + " in round " + round);
          if (m.tag() != round) {
            throw new ProtocolException("party " + party + ": expected round " + round
                + " from party " + q + ", but found round " + m.tag());
          }
          received += 8L * m.words().length;
          in[q] = m.words();
        }
      }
      return in;
    }

    @Override
    public long bytesSent() {
      return sent;
    }

    @Override
    public long bytesReceived() {
      return received;
    }

    @Override
    public void close() {}
  }

  private final class LocalDealer implements DealerSession {
    private long sent;
    private int epoch = -1;

    @Override
    public int parties() {
      return parties;
    }

    @Override
    public void beginEpoch(int next, int epochs) {
      Session.checkNextEpoch(epoch, next, epochs);
      epoch = next;
    }

    @Override
    public Prg partyPrg(int party, long corr, int component) {
      return new AesCtrPrg(dealerSeeds[party], Session.epochAddress(Math.max(epoch, 0), corr),
          component);
    }

    @Override
    public Prg partyPrgOnce(int party, long corr, int component) {
      return new AesCtrPrg(dealerSeeds[party], Session.epochAddress(0, corr), component);
    }

    @Override
    public void sendToParty0(long corr, long[] words) {
      sent += 8L * words.length;
      dealerToParty0.add(new Message(corr, words.clone()));
    }

    @Override
    public long bytesSent() {
      return sent;
    }

    @Override
    public void close() {}
  }
}
