package onnx2mpc.runtime.net;

import onnx2mpc.runtime.DealerSession;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.ProtocolException;
import onnx2mpc.runtime.prg.AesCtrPrg;

/**
 * The dealer's {@link DealerSession} over TCP: it listens on its line of the hosts file,
 * accepts every party, gives each a fresh seed in the handshake, and then streams party 0's
 * corrections, running ahead of the parties as far as party 0's receive queue allows (party 0
 * reads eagerly, so in practice as far as the network allows).
 */
public final class NetDealerSession implements DealerSession {
  private final Endpoint ep;

  private NetDealerSession(Endpoint ep) {
    this.ep = ep;
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

  @Override
  public Prg partyPrg(int party, long corr, int component) {
    if (party < 0 || party >= ep.parties) {
      throw new IllegalArgumentException("party: expected 0.." + (ep.parties - 1)
          + ", but found " + party);
    }
    return new AesCtrPrg(ep.link(party).seed, corr, component);
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
