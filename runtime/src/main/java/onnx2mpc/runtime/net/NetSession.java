package onnx2mpc.runtime.net;

import onnx2mpc.runtime.BufferPool;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.Session;
import onnx2mpc.runtime.prg.AesCtrPrg;

/**
 * A party's {@link Session} over TCP (Netty): one connection to every other party and one to
 * the dealer, set up as {@link Hosts} describes, with the handshake of {@link PeerHandler} and
 * the frames of {@link Wire}.
 *
 * <p>Every round sends one message to every peer, empty or not, so that each party knows when
 * a round is complete. Any failure (a lost peer, a timeout, a bad frame, a peer's abort) throws
 * {@link ProtocolException} whose message names this party, the round and the peer, and first
 * tells the other processes (an ABORT frame) so that they stop too instead of waiting for
 * their timeout. The caller then closes the session and exits.
 *
 * <p>Used by one program thread; {@link #close()} and {@link #abort} may come from another.
 */
public final class NetSession implements Session {
  private final Endpoint ep;
  private final int[] peers;
  private final int[] dealerOnly = {Hosts.DEALER};
  /** The epoch begun last, -1 before the first {@link #beginEpoch} (addresses epoch 0). */
  private int epoch = -1;

  private NetSession(Endpoint ep) {
    this.ep = ep;
    this.peers = new int[ep.parties - 1];
    for (int q = 0, i = 0; q < ep.parties; q++) {
      if (q != ep.self) {
        peers[i++] = q;
      }
    }
  }

  /**
   * Connects party {@code party} of a {@code parties}-party run of the program with the given
   * digest to the other parties and the dealer listed in {@code hosts}, waiting for them to
   * start (up to {@link NetOptions#connectTimeout()}).
   *
   * @throws ProtocolException "party 1: ..." if a peer cannot be reached in time, listens for
   *     another program or party, or this party cannot listen on its port
   */
  public static NetSession connect(Hosts hosts, int party, int parties, String digest,
      NetOptions options) {
    if (party < 0 || party >= parties) {
      throw new IllegalArgumentException("party: expected 0.." + (parties - 1) + ", but found "
          + party);
    }
    return new NetSession(Endpoint.open(party, parties, hosts, digest, options));
  }

  @Override
  public int party() {
    return ep.self;
  }

  @Override
  public int parties() {
    return ep.parties;
  }

  /**
   * Sends an EPOCH message to every other party and to the dealer, then waits (up to the
   * round timeout) for every other party's EPOCH of the same repetition. The dealer starts
   * the repetition's correlations when it has every party's EPOCH, so a repetition's
   * offline phase, dealer included, starts after the previous repetition has ended everywhere.
   *
   * @throws ProtocolException "party 1, repetition 2: party 0 (...) runs 3 repetitions, ..."
   *     if the processes were given different repetition counts
   */
  @Override
  public void beginEpoch(int next, int epochs) {
    Session.checkNextEpoch(epoch, next, epochs);
    String context = ep.me() + ", repetition " + next + ": ";
    try {
      ep.checkFatal(context);
      long[] msg = {epochs};
      for (int q : peers) {
        ep.send(q, Wire.EPOCH, next, msg, context);
      }
      ep.send(Hosts.DEALER, Wire.EPOCH, next, msg, context);
      long deadline = System.nanoTime() + ep.options.roundTimeout().toNanos();
      Wire.Message[] got = ep.receive(peers, deadline, context);
      for (int i = 0; i < peers.length; i++) {
        String problem = epochProblem(got[i], next, epochs);
        if (problem != null) {
          throw new ProtocolException(context + ep.link(peers[i]).label + " " + problem);
        }
      }
    } catch (ProtocolException e) {
      throw fail(e);
    }
    epoch = next;
  }

  /**
   * Null if {@code m} starts repetition {@code next} of {@code epochs}, else what the sender
   * did instead, worded to follow its label.
   */
  static String epochProblem(Wire.Message m, int next, int epochs) {
    if (m.kind() != Wire.EPOCH) {
      return "sent " + (m.kind() == Wire.DATA ? "its message for round " + m.tag()
          : "a dealer correction") + " where repetition " + next + " starts; do all processes"
          + " run the same program with the same --repeat and --warmup?";
    }
    long theirs = m.words().length == 1 ? m.words()[0] : -1;
    if (m.tag() != next || theirs != epochs) {
      return "starts repetition " + m.tag() + " of " + theirs
          + ", while this process starts repetition " + next + " of " + epochs
          + "; give every party and the dealer the same --repeat and --warmup";
    }
    return null;
  }

  @Override
  public void useBufferPool(BufferPool pool) {
    ep.useArrays(pool);
  }

  @Override
  public Prg pairPrg(int peer, long nonce) {
    if (peer == ep.self || peer < 0 || peer >= ep.parties) {
      throw new IllegalArgumentException("peer: expected another party in 0.." + (ep.parties - 1)
          + ", but found " + peer);
    }
    return new AesCtrPrg(ep.link(peer).seed, Session.epochAddress(Math.max(epoch, 0), nonce), 0);
  }

  @Override
  public Prg dealerPrg(long corr, int component) {
    return new AesCtrPrg(ep.link(Hosts.DEALER).seed,
        Session.epochAddress(Math.max(epoch, 0), corr), component);
  }

  @Override
  public Prg dealerPrgOnce(long corr, int component) {
    return new AesCtrPrg(ep.link(Hosts.DEALER).seed, Session.epochAddress(0, corr), component);
  }

  @Override
  public long[] fromDealer(long corr, int words) {
    String context = ep.me() + ", correlation " + corr + ": ";
    if (ep.self != 0) {
      throw new ProtocolException(context + "only party 0 receives dealer corrections");
    }
    long deadline = System.nanoTime() + ep.options.roundTimeout().toNanos();
    Wire.Message m;
    try {
      m = ep.receive(dealerOnly, deadline, context)[0];
    } catch (ProtocolException e) {
      throw fail(e);
    }
    if (m.kind() != Wire.CORR || m.tag() != corr || m.words().length != words) {
      throw fail(new ProtocolException(context + "the dealer sent "
          + (m.kind() == Wire.CORR ? "correlation " + m.tag() : "a round message") + " with "
          + m.words().length + " words, expected correlation " + corr + " with " + words
          + " words; do the dealer and the parties run the same program?"));
    }
    return m.words();
  }

  @Override
  public long[][] exchange(int round, long[][] outgoing) {
    long[][][] parts = new long[ep.parties][][];
    for (int q : peers) {
      parts[q] = outgoing == null || outgoing[q] == null ? null : new long[][] {outgoing[q]};
    }
    return exchangeParts(round, parts);
  }

  /** Sends each peer's parts as one message, straight from the arrays (no concatenation). */
  @Override
  public long[][] exchangeParts(int round, long[][][] outgoing) {
    String context = ep.me() + ", round " + round + ": ";
    long[][] in = new long[ep.parties][];
    try {
      ep.checkFatal(context);
      for (int q : peers) {
        long[][] msg = outgoing == null || outgoing[q] == null ? new long[0][] : outgoing[q];
        ep.send(q, Wire.DATA, round, msg, context);
      }
      long deadline = System.nanoTime() + ep.options.roundTimeout().toNanos();
      Wire.Message[] got = ep.receive(peers, deadline, context);
      for (int i = 0; i < peers.length; i++) {
        Wire.Message m = got[i];
        if (m.kind() != Wire.DATA || m.tag() != round) {
          throw new ProtocolException(context + ep.link(peers[i]).label + " sent "
              + (m.kind() == Wire.DATA ? "its message for round " + m.tag()
                  : m.kind() == Wire.EPOCH ? "the start of repetition " + m.tag()
                  : "a dealer correction") + "; do the parties run the same program with the"
              + " same --repeat and --warmup?");
        }
        in[peers[i]] = m.words();
      }
    } catch (ProtocolException e) {
      throw fail(e);
    }
    return in;
  }

  /** Tells the peers, then hands the exception back to be thrown. */
  private ProtocolException fail(ProtocolException e) {
    ep.abort(e.getMessage());
    return e;
  }

  /** Bytes sent to other parties (frames and handshakes included). */
  @Override
  public long bytesSent() {
    return ep.bytes(true, false);
  }

  /** Bytes received from other parties and the dealer (frames and handshakes included). */
  @Override
  public long bytesReceived() {
    return ep.bytes(false, true);
  }

  /**
   * Stops the run: sends {@code reason} (one line, e.g. "party 1: input x.npy has NaN") to
   * every peer, which then fails with it, and closes. Does nothing if already closed.
   */
  public void abort(String reason) {
    ep.abort(reason);
  }

  /** Closes every connection once what was sent has left, and stops the event loops. */
  @Override
  public void close() {
    ep.close();
  }

  /** Drops every connection at once without a word, as a crashed process would (for tests). */
  void kill() {
    ep.kill();
  }
}
