package onnx2mpc.runtime.net;

import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.Session;
import onnx2mpc.runtime.prg.AesCtrPrg;

/**
 * The dealer's {@link DealerSession} over TCP: it listens on its line of the hosts file,
 * accepts every party, gives each a fresh seed in the handshake, and then streams party 0's
 * corrections, running ahead of the parties as far as party 0's receive queue allows (party 0
 * reads eagerly, so in practice as far as the network allows).
 */
public final class NetDealerSession implements DealerSession {
  /**
   * How long the dealer waits for the parties to start the next repetition: they first finish
   * the current one, which for a large model takes longer than any one round, so there is no
   * timeout of its own; a party that dies closes its connection, and one that fails aborts,
   * which ends the wait at once.
   */
  private static final long EPOCH_WAIT_NANOS = Long.MAX_VALUE / 4;

  private final Endpoint ep;
  private final int[] allParties;
  private int epoch = -1;

  private NetDealerSession(Endpoint ep) {
    this.ep = ep;
    this.allParties = new int[ep.parties];
    for (int p = 0; p < ep.parties; p++) {
      allParties[p] = p;
    }
  }

  /**
   * Waits for the {@code parties} parties listed in {@code hosts} to connect (up to
   * {@link NetOptions#connectTimeout()}) and hands out their seeds.
   *
   * @throws ProtocolException "dealer: ..." if a party does not connect in time or belongs to
   *     another program
   */
  public static NetDealerSession accept(Hosts hosts, int parties, String digest,
      NetOptions options) {
    return new NetDealerSession(Endpoint.open(Hosts.DEALER, parties, hosts, digest, options));
  }

  @Override
  public int parties() {
    return ep.parties;
  }

  /**
   * Waits until every party has started repetition {@code next} (its EPOCH message), so that
   * the dealer never prepares a repetition while the parties still compute the previous one:
   * on a shared machine that would slow their online phase, and party 0 would buffer the
   * next repetition's corrections on top of its working memory.
   *
   * @throws ProtocolException "dealer, repetition 1: party 0 (...) starts repetition 1 of 3,
   *     ..." if the parties were given other repetition counts than the dealer
   */
  @Override
  public void beginEpoch(int next, int epochs) {
    Session.checkNextEpoch(epoch, next, epochs);
    String context = "dealer, repetition " + next + ": ";
    try {
      Wire.Message[] got = ep.receive(allParties, System.nanoTime() + EPOCH_WAIT_NANOS,
          context);
      for (int p = 0; p < got.length; p++) {
        String problem = NetSession.epochProblem(got[p], next, epochs);
        if (problem != null) {
          throw new ProtocolException(context + ep.link(p).label + " " + problem);
        }
      }
    } catch (ProtocolException e) {
      ep.abort(e.getMessage());
      throw e;
    }
    epoch = next;
  }

  @Override
  public Prg partyPrg(int party, long corr, int component) {
    if (party < 0 || party >= ep.parties) {
      throw new IllegalArgumentException("party: expected 0.." + (ep.parties - 1)
          + ", but found " + party);
    }
    return new AesCtrPrg(ep.link(party).seed, Session.epochAddress(Math.max(epoch, 0), corr),
        component);
  }

  @Override
  public Prg partyPrgOnce(int party, long corr, int component) {
    if (party < 0 || party >= ep.parties) {
      throw new IllegalArgumentException("party: expected 0.." + (ep.parties - 1)
          + ", but found " + party);
    }
    return new AesCtrPrg(ep.link(party).seed, Session.epochAddress(0, corr), component);
  }

  /**
   * Queues party 0's correction for {@code corr}; blocks while too much is in flight. Fails if
   * any party has aborted or party 0 is gone. {@code words} may be reused once this returns.
   */
  @Override
  public void sendToParty0(long corr, long[] words) {
    String context = "dealer, correlation " + corr + ": ";
    try {
      ep.checkFatal(context);
      if (ep.link(0).isClosed()) {
        throw new ProtocolException(context + "lost connection to " + ep.link(0).label);
      }
      ep.send(0, Wire.CORR, corr, words, context);
    } catch (ProtocolException e) {
      ep.abort(e.getMessage());
      throw e;
    }
  }

  /** Bytes sent to all parties (frames and handshakes included). */
  @Override
  public long bytesSent() {
    return ep.bytes(true, true);
  }

  /** Tells every party why the dealer stops, then closes. */
  public void abort(String reason) {
    ep.abort(reason);
  }

  /** Closes once everything sent has left (bounded by the round timeout). */
  @Override
  public void close() {
    ep.close();
  }

  /** Drops every connection at once, as a crashed process would (for tests). */
  void kill() {
    ep.kill();
  }
}
