package onnx2mpc.runtime.net;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;
import onnx2mpc.runtime.prg.AesCtrPrg;

/**
 * The last handler of every connection: first the handshake, then it feeds the {@link Link}.
 *
 * <p>Handshake: the dialer (always the higher id, see {@link Hosts}) sends its hello; the
 * listener checks it and answers with its own hello, which carries a fresh pairwise seed if
 * the dialer's hello was right (the lower id draws the seed); the dialer checks the answer. A
 * listener that finds a mismatch still answers truthfully, so that both ends report it.
 */
final class PeerHandler extends ChannelInboundHandlerAdapter {
  /** What a handler needs from the process it belongs to; callbacks run on the event loop. */
  interface Host {
    int self();

    String digest();

    /** Where {@code id} listens or would listen, from the hosts file: "host:port". */
    String addressOf(int id);

    /** The certificate pinned for {@code id}, or null without TLS. */
    default X509Certificate certificate(int id) {
      return null;
    }

    /** Whether this is the local transport: hellos carry {@link LocalAuth} proofs. */
    default boolean local() {
      return false;
    }

    /** With the local transport, the handshake key shared with {@code id}; else null. */
    default byte[] localKey(int id) {
      return null;
    }

    /** A listener's peers: "one of parties 2..3". */
    String expectedDialers();

    /** Listener: whether {@code id} may dial us and has not yet; if so, it is now taken. */
    boolean claim(int id);

    void ready(Link link);

    /** The run cannot start: {@code message} is the whole one-line error. */
    void failed(String message);

    /** Wakes the program's thread waiting for a message. */
    void signal();
  }

  /** The {@code dialed} value of a listener's handler. */
  static final int LISTENER = Integer.MIN_VALUE;

  private final Host host;
  private final int dialed;
  private final ByteCounter counter;
  private Link link;
  private boolean done;
  /** The connection's TLS handler, null without TLS. */
  private SslHandler ssl;
  /** The local transport's nonce in our hello, when we dialed. */
  private byte[] dialerNonce;

  /**
   * @param dialed the id this connection was dialed to reach, or {@link #LISTENER}
   */
  PeerHandler(Host host, int dialed, ByteCounter counter) {
    this.host = host;
    this.dialed = dialed;
    this.counter = counter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ssl = ctx.pipeline().get(SslHandler.class);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (dialed != LISTENER) {
      byte[] proof = null;
      if (host.local()) {
        dialerNonce = LocalAuth.newNonce();
        proof = LocalAuth.dialerProof(host.localKey(dialed), host.self(), dialed, host.digest(),
            dialerNonce);
      }
      ctx.writeAndFlush(counter.count(Wire.encodeHello(ctx.alloc(),
          Wire.Hello.of(host.self(), dialed, host.digest(), null, proof))));
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (link != null) {
      if (msg instanceof Wire.Message) {
        link.deliver((Wire.Message) msg);
      } else if (msg instanceof Wire.Abort) {
        link.aborted(((Wire.Abort) msg).reason());
      } else {
        link.failed("second handshake on an open connection");
        ctx.close();
      }
      return;
    }
    if (done) {
      return; // a failed handshake; the channel is closing
    }
    done = true;
    String peer = address(ctx.channel().remoteAddress());
    if (!(msg instanceof Wire.Hello)) {
      fail(ctx, Wire.self(host.self()) + ": peer at " + peer
          + " sent data before the handshake; it is not an onnx2mpc process of this run");
      return;
    }
    Wire.Hello h = (Wire.Hello) msg;
    String error = check(h, peer);
    if (dialed == LISTENER) {
      byte[] seed = error == null ? AesCtrPrg.newSeed() : null;
      byte[] sent = seed;
      byte[] proof = null;
      if (seed != null && host.local()) {
        // Only the dialer, which holds the pair key, can unmask the seed.
        byte[] key = host.localKey(h.sender());
        byte[] nonce = LocalAuth.newNonce();
        byte[] theirs = LocalAuth.nonceOf(h.auth());
        sent = LocalAuth.maskSeed(key, theirs, nonce, seed);
        proof = LocalAuth.listenerProof(key, host.self(), h.sender(), host.digest(), theirs,
            nonce, sent);
      }
      ChannelFuture answer = ctx.writeAndFlush(counter.count(Wire.encodeHello(ctx.alloc(),
          Wire.Hello.of(host.self(), h.sender(), host.digest(), sent, proof))));
      if (error != null) {
        host.failed(error);
        answer.addListener(ChannelFutureListener.CLOSE);
        return;
      }
      // Name the peer by its hosts-file address, not the ephemeral port it dialed from.
      link = new Link(h.sender(), host.addressOf(h.sender()), seed, ctx.channel(), counter,
          host::signal);
    } else {
      if (error == null && (h.seed() == null || h.seed().length != AesCtrPrg.SEED_BYTES)) {
        error = Wire.self(host.self()) + ": " + Wire.label(h.sender()) + " at " + peer
            + " sent no valid seed in its handshake";
      }
      if (error != null) {
        fail(ctx, error);
        return;
      }
      byte[] seed = !host.local() ? h.seed() : LocalAuth.maskSeed(host.localKey(dialed),
          dialerNonce, LocalAuth.nonceOf(h.auth()), h.seed());
      link = new Link(h.sender(), host.addressOf(h.sender()), seed, ctx.channel(), counter,
          host::signal);
    }
    host.ready(link);
  }

  /** Null if the hello is the one we expect, else the one-line error. */
  private String check(Wire.Hello h, String peer) {
    String me = Wire.self(host.self());
    if (h.magic() != Wire.MAGIC) {
      return me + ": peer at " + peer + " is not an onnx2mpc process (bad magic 0x"
          + Integer.toHexString(h.magic()) + ")";
    }
    if (h.version() != Wire.VERSION) {
      return me + ": peer at " + peer + " speaks onnx2mpc protocol version " + h.version()
          + ", expected version " + Wire.VERSION;
    }
    String tlsProblem = tlsProblem(h, peer);
    if (tlsProblem != null) {
      return tlsProblem;
    }
    boolean senderOk;
    String expected;
    if (dialed == LISTENER) {
      expected = host.expectedDialers();
      boolean ours = h.digest().equals(host.digest()) && h.receiver() == host.self();
      // A dialer proves its key before it takes its id's place.
      String unproven = ours ? localProblem(h, peer) : null;
      if (unproven != null) {
        return unproven;
      }
      senderOk = ours && host.claim(h.sender());
    } else {
      expected = Wire.label(dialed);
      senderOk = h.sender() == dialed && h.digest().equals(host.digest());
      if (senderOk) {
        return localProblem(h, peer);
      }
    }
    if (senderOk) {
      return null;
    }
    if (h.digest().equals(host.digest()) && h.receiver() != host.self()
        && (dialed == LISTENER || h.sender() == dialed)) {
      return me + ": peer at " + peer + " is " + Wire.label(h.sender()) + " and expected to reach "
          + Wire.label(h.receiver()) + " here; do all processes use the same hosts file?";
    }
    if (dialed == LISTENER && h.digest().equals(host.digest()) && h.receiver() == host.self()) {
      return me + ": peer at " + peer + " is " + Wire.label(h.sender()) + " of program "
          + h.digest() + ", expected " + expected + " that has not yet connected";
    }
    return me + ": peer at " + peer + " is " + Wire.label(h.sender()) + " of program "
        + h.digest() + ", expected " + expected + " of program " + host.digest();
  }

  /**
   * With TLS, null if the peer's TLS certificate is the one pinned for the id its hello
   * claims, else the one-line error. The dialer's trust manager already accepted only the
   * dialed peer's certificate; a listener accepted any of the program's, so this is where a
   * party that claims another's id is caught.
   */
  private String tlsProblem(Wire.Hello h, String peer) {
    if (ssl == null || dialed != LISTENER) {
      return null;
    }
    String me = Wire.self(host.self());
    X509Certificate pinned = host.certificate(h.sender());
    X509Certificate presented;
    try {
      presented = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
    } catch (SSLPeerUnverifiedException | RuntimeException e) {
      return me + ": peer at " + peer + " claims to be " + Wire.label(h.sender())
          + " but presented no verified TLS certificate";
    }
    if (pinned == null) {
      return me + ": peer at " + peer + " claims to be " + Wire.label(h.sender())
          + ", which is not a process of this program (certificate "
          + Tls.describe(presented) + ")";
    }
    try {
      if (!Arrays.equals(pinned.getEncoded(), presented.getEncoded())) {
        return me + ": peer at " + peer + " claims to be " + Wire.label(h.sender())
            + " but its TLS certificate is " + Tls.describe(presented) + ", not "
            + Wire.label(h.sender()) + "'s " + Tls.describe(pinned) + "; refusing it";
      }
    } catch (CertificateEncodingException e) {
      return me + ": peer at " + peer + " presented an unreadable certificate";
    }
    return null;
  }

  /**
   * With the local transport, null if the hello proves the key of the id it claims (a
   * dialer's) or answers our nonce with it (a listener's), else the one-line error.
   */
  private String localProblem(Wire.Hello h, String peer) {
    if (!host.local()) {
      return null;
    }
    String me = Wire.self(host.self());
    byte[] key = host.localKey(h.sender());
    if (key == null) {
      return me + ": peer at " + peer + " claims to be " + Wire.label(h.sender())
          + ", which is not a process of this program";
    }
    boolean valid = dialed == LISTENER ? LocalAuth.dialerValid(key, h, h.auth())
        : LocalAuth.listenerValid(key, h, dialerNonce)
            && h.seed().length == AesCtrPrg.SEED_BYTES;
    if (valid) {
      return null;
    }
    return me + ": peer at " + peer + " claims to be " + Wire.label(h.sender())
        + " but does not prove it holds that process's key (local transport handshake);"
        + " were the jars compiled together, and is every process started with --transport"
        + " local?";
  }

  /** A failed TLS handshake (reported once; the channel closes). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess() && link == null
        && !done) {
      done = true;
      host.failed(tlsFailure(ctx, e.cause()));
      ctx.close();
    }
    super.userEventTriggered(ctx, evt);
  }

  private static boolean isTls(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  private String tlsFailure(ChannelHandlerContext ctx, Throwable cause) {
    String peer = address(ctx.channel().remoteAddress());
    Throwable root = cause;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      root = t;
    }
    String why = reason(root);
    if (root != cause && !reason(cause).contains(why)) {
      why = reason(cause) + ": " + why;
    }
    if (root instanceof io.netty.handler.ssl.NotSslRecordException) {
      why += "; the peer does not speak TLS: is every process started with the same"
          + " --transport?";
    }
    return Wire.self(host.self()) + ": TLS handshake with "
        + (dialed == LISTENER ? "peer at " + peer : Wire.label(dialed) + " at " + peer)
        + " failed (" + why + ")";
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    host.failed(message);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String what = cause instanceof DecoderException ? "bad frame: " + reason(cause)
        : reason(cause);
    if (link != null) {
      link.failed(what);
    } else if (!done && ssl != null && isTls(cause)) {
      // A TLS 1.3 client finishes its handshake before the server has checked the client's
      // certificate: a refusal then arrives as an alert, after the handshake.
      done = true;
      host.failed(tlsFailure(ctx, cause instanceof DecoderException && cause.getCause() != null
          ? cause.getCause() : cause));
    } else if (!done) {
      done = true;
      host.failed(Wire.self(host.self()) + ": peer at " + address(ctx.channel().remoteAddress())
          + " broke the handshake (" + what + ")" + (ssl == null && isTlsRecord(cause)
              ? "; it speaks TLS: is every process started with the same --transport?" : ""));
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (link != null) {
      link.closed();
    } else if (!done) {
      done = true;
      host.failed(Wire.self(host.self()) + ": peer at " + address(ctx.channel().remoteAddress())
          + " closed the connection during the handshake"
          + (dialed == LISTENER ? "" : " (is it " + Wire.label(dialed) + " of this run?)"));
    }
    ctx.fireChannelInactive();
  }

  /** {@link WireDecoder}'s error for a TLS record where a frame should start. */
  private static boolean isTlsRecord(Throwable cause) {
    return String.valueOf(cause.getMessage()).startsWith(WireDecoder.TLS_RECORD);
  }

  private static String reason(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** "host:port" of a remote end; no reverse DNS lookup. */
  static String address(SocketAddress a) {
    return a instanceof InetSocketAddress ? Hosts.show((InetSocketAddress) a) : String.valueOf(a);
  }
}
