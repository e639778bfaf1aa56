package onnx2mpc.runtime.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import onnx2mpc.runtime.BufferPool;
import onnx2mpc.runtime.ProtocolException;

/**
 * One process's connections to all the others (parties and dealer alike): set up by
 * {@link Setup}, then waiting for messages with fail-fast on any peer's abort, and teardown. The
 * program's thread blocks here; Netty's event loop threads are daemons, so a process that
 * gives up can always exit.
 */
final class Endpoint {
  final int self;
  final int parties;
  final NetOptions options;
  private volatile BufferPool arrays;
  private final EventLoopGroup group;
  /** One permit per event; the program's thread drains, re-polls, then waits for more. */
  private final Semaphore events = new Semaphore(0);
  /** Every open channel (server included), so that teardown closes them all. */
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  /** Index id + 1; set once by {@link #open} before the endpoint is handed out. */
  private Link[] links = new Link[0];
  private volatile boolean closed;

  private Endpoint(int self, int parties, NetOptions options) {
    this.self = self;
    this.parties = parties;
    this.options = options;
    int threads = Math.max(1, Math.min(Math.min(parties, 4),
        Runtime.getRuntime().availableProcessors()));
    this.group = new NioEventLoopGroup(threads,
        new DefaultThreadFactory("onnx2mpc-" + Wire.self(self).replace(' ', '-'), true));
  }

  /** Connects {@code self} (a party or {@link Hosts#DEALER}) to every other process. */
  static Endpoint open(int self, int parties, Hosts hosts, String digest, NetOptions options) {
    if (parties < 1 || self < Hosts.DEALER || self >= parties) {
      throw new IllegalArgumentException("party: expected -1 (dealer) or 0.." + (parties - 1)
          + ", but found " + self);
    }
    if (options.tls() == null) {
      throw new IllegalArgumentException(Wire.self(self) + ": no TLS key material; set"
          + " NetOptions.withTls (or withPlaintext, in tests only)");
    }
    if (!options.tls().isPlaintext() && options.tls().self != self) {
      throw new IllegalArgumentException(Wire.self(self) + ": the TLS key material is "
          + Wire.self(options.tls().self) + "'s");
    }
    Endpoint ep = new Endpoint(self, parties, options);
    try {
      ep.links = new Setup(self, parties, digest, hosts, options, ep.group, ep.channels,
          ep.events::release, ep::newArray).run();
      return ep;
    } catch (RuntimeException | Error e) {
      ep.kill();
      throw e;
    }
  }

  /** Received messages' arrays: from the program's pool once it has one, else new. */
  private long[] newArray(int words) {
    BufferPool pool = arrays;
    return pool == null ? new long[words] : pool.take(words);
  }

  /** Lets received messages take their arrays from (and the program return them to) pool. */
  void useArrays(BufferPool pool) {
    arrays = pool;
  }

  // ---- program side

  String me() {
    return Wire.self(self);
  }

  Link link(int peer) {
    return links[peer + 1];
  }

  /**
   * The next message from each of {@code peers}, in that order, waiting at most until the
   * deadline. Fails at once if any process has aborted, if this endpoint was closed, or if a
   * peer we still wait for is gone. Error messages start with {@code context}.
   */
  Wire.Message[] receive(int[] peers, long deadlineNanos, String context) {
    Wire.Message[] got = new Wire.Message[peers.length];
    int pending = peers.length;
    while (true) {
      events.drainPermits(); // events after this point leave a permit: no lost wake-up
      checkFatal(context);
      for (int i = 0; i < peers.length; i++) {
        if (got[i] == null) {
          got[i] = link(peers[i]).next(context);
          if (got[i] != null) {
            pending--;
          }
        }
      }
      if (pending == 0) {
        return got;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < peers.length; i++) {
          if (got[i] == null) {
            waiting.add(link(peers[i]).label);
          }
        }
        throw new ProtocolException(context + "timed out after "
            + NetOptions.seconds(options.roundTimeout()) + " waiting for "
            + String.join(", ", waiting));
      }
      try {
        events.tryAcquire(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProtocolException(context + "interrupted", e);
      }
    }
  }

  /** Throws if this endpoint is closed or any peer has aborted. */
  void checkFatal(String context) {
    if (closed) {
      throw new ProtocolException(context + "the session was closed");
    }
    for (Link l : links) {
      String reason = l == null ? null : l.abortReason();
      if (reason != null) {
        throw new ProtocolException(context + l.label + " aborted: " + reason);
      }
    }
  }

  void send(int peer, byte kind, long tag, long[] words, String context) {
    send(peer, kind, tag, new long[][] {words}, context);
  }

  /** Sends the concatenation of {@code parts} as one message. */
  void send(int peer, byte kind, long tag, long[][] parts, String context) {
    long deadline = System.nanoTime() + options.roundTimeout().toNanos();
    link(peer).send(kind, tag, parts, options.chunkBytes() / 8, deadline, context);
  }

  /** Sum of the bytes sent to / received from the given ids (frames and handshake included). */
  long bytes(boolean sent, boolean includeDealer) {
    long sum = 0;
    for (Link l : links) {
      if (l != null && (includeDealer || l.peer != Hosts.DEALER)) {
        sum += (sent ? l.counter.sent : l.counter.received).get();
      }
    }
    return sum;
  }

  /** Tells every peer why this process stops, then closes. */
  void abort(String reason) {
    if (closed) {
      return;
    }
    for (Link l : links) {
      if (l != null) {
        l.sendAbort(reason);
      }
    }
    shutdown(1000);
  }

  /** Closes after the last writes are out (bounded by the round timeout). */
  void close() {
    shutdown(options.roundTimeout().toMillis());
  }

  /** Closes at once, as if the process died: no abort message, pending writes dropped. */
  void kill() {
    shutdown(0);
  }

  private void shutdown(long drainMillis) {
    synchronized (this) { // only the flag: a kill must not wait for a close's drain
      if (closed) {
        return;
      }
      closed = true;
    }
    events.release();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
    for (Link l : links) {
      if (l != null) {
        l.drain(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      }
    }
    for (Channel ch : channels) {
      ch.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3000);
  }

  static String reason(Throwable t) {
    if (t == null) {
      return "timed out";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
