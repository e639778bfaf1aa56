package onnx2mpc.runtime.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;
import onnx2mpc.runtime.ProtocolException;

/**
 * Connects one process to all the others, as {@link Hosts} describes: listens if some peer
 * has a higher id, dials every lower id with retries, and waits for every handshake, all
 * within one deadline. Handshake callbacks ({@link PeerHandler.Host}) arrive on the event loop.
 */
final class Setup implements PeerHandler.Host {
  /**
   * Socket buffers and reads of up to 4 MiB: messages are megabytes, and with the defaults
   * (64 KiB reads) two parties exchanging 16 MiB each over loopback TLS moved 134 MiB/s each
   * way; with these, 210 MiB/s (ThroughputProbe).
   */
  static final int SOCKET_BUFFER_BYTES = 4 << 20;
  private static final RecvByteBufAllocator RECEIVE_BUFFERS =
      new AdaptiveRecvByteBufAllocator(64 << 10, 1 << 20, 4 << 20);
  /** Where received messages' arrays come from. */
  private final IntFunction<long[]> arrays;
  /** Every connection's buffers: large ones are kept and reused. */
  private final ReusedBuffers buffers = new ReusedBuffers();

  private final int self;
  private final int parties;
  private final String digest;
  private final Hosts hosts;
  private final NetOptions options;
  private final EventLoopGroup group;
  private final Set<Channel> channels;
  private final Runnable signal;
  private final Object lock = new Object();
  /** Index id + 1; guarded by lock. */
  private final Link[] links;
  private final boolean[] claimed;
  /** The local transport's handshake keys by id + 1; set before any connection opens. */
  private final byte[][] localKeys;
  private String failure;
  private boolean done;
  private Channel server;

  /**
   * @param channels every channel opened is added here (and removed when closed), so that
   *     the owner can close them all
   * @param signal wakes the program thread when a link receives something
   */
  Setup(int self, int parties, String digest, Hosts hosts, NetOptions options,
      EventLoopGroup group, Set<Channel> channels, Runnable signal,
      IntFunction<long[]> arrays) {
    this.arrays = arrays;
    this.self = self;
    this.parties = parties;
    this.digest = digest;
    this.hosts = hosts;
    this.options = options;
    this.group = group;
    this.channels = channels;
    this.signal = signal;
    this.links = new Link[parties + 1];
    this.claimed = new boolean[parties + 1];
    this.localKeys = new byte[parties + 1][];
  }

  /**
   * Runs the setup; returns the links by id + 1.
   *
   * @throws ProtocolException "party 1: ..." naming the peer that could not be reached, that
   *     did not connect, or that belongs to another program or party
   */
  Link[] run() {
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    if (options.local()) {
      prepareLocal();
    }
    if (options.encrypted()) {
      try { // fail before any connection if the key material is unusable
        if (self < parties - 1) {
          options.tls().serverContext();
        }
        for (int p = Hosts.DEALER; p < self; p++) {
          options.tls().clientContext(p);
        }
      } catch (SSLException | RuntimeException e) {
        throw new ProtocolException(me() + ": cannot set up TLS with this jar's key material ("
            + Endpoint.reason(e) + ")", e);
      }
    }
    try {
      if (self < parties - 1) {
        listen();
      }
      for (int p = Hosts.DEALER; p < self; p++) {
        dial(p, deadline);
      }
      awaitDialers(deadline);
    } finally {
      synchronized (lock) {
        done = true;
      }
      if (server != null) {
        server.close(); // every expected peer is in (or we give up): accept no more
      }
    }
    synchronized (lock) {
      return links.clone();
    }
  }

  private String me() {
    return Wire.self(self);
  }

  /**
   * The local transport: refuses a hosts file with any process off this machine, this one
   * included (its traffic would cross a network unencrypted), then derives every peer's
   * handshake key, so that unusable key material fails before any connection.
   */
  private void prepareLocal() {
    for (int id = Hosts.DEALER; id < parties; id++) {
      if (!hosts.has(id)) {
        continue;
      }
      InetSocketAddress a = hosts.address(id);
      boolean loopback;
      try {
        loopback = InetAddress.getByName(a.getHostString()).isLoopbackAddress();
      } catch (UnknownHostException e) {
        loopback = false;
      }
      if (!loopback) {
        throw new ProtocolException(me() + ": --transport local needs every process on this"
            + " machine, but " + Wire.label(id) + " is at " + Hosts.show(a) + " in "
            + hosts.source() + ", not a loopback address; across machines use TLS (the"
            + " default)");
      }
      if (id == self) {
        continue; // our own line too: we would listen on it unencrypted
      }
      try {
        localKeys[id + 1] = options.tls().localKey(id);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new ProtocolException(me() + ": cannot derive the local transport's key for "
            + Wire.label(id) + " from this jar's key material (" + Endpoint.reason(e) + ")", e);
      }
    }
  }

  private void listen() {
    InetSocketAddress own = hosts.address(self);
    InetAddress ip;
    try {
      ip = InetAddress.getByName(own.getHostString());
    } catch (UnknownHostException e) {
      throw new ProtocolException(me() + ": cannot resolve " + Hosts.show(own)
          + ", its own line in " + hosts.source());
    }
    InetSocketAddress at = ip.isLoopbackAddress() ? new InetSocketAddress(ip, own.getPort())
        : new InetSocketAddress(own.getPort());
    ChannelFuture f = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
        .childOption(ChannelOption.ALLOCATOR, buffers)
        .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
        .childHandler(initializer(PeerHandler.LISTENER))
        .bind(at).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new ProtocolException(me() + ": cannot listen on " + Hosts.show(at) + " ("
          + Endpoint.reason(f.cause()) + ")");
    }
    server = f.channel();
    channels.add(server);
  }

  private void dial(int peer, long deadline) {
    InetSocketAddress a = hosts.address(peer);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
        .option(ChannelOption.ALLOCATOR, buffers)
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
        .handler(initializer(peer));
    Throwable last = null;
    while (true) {
      checkFailure();
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new ProtocolException(me() + ": could not connect to " + Wire.label(peer) + " at "
            + Hosts.show(a) + " within " + NetOptions.seconds(options.connectTimeout())
            + (last != null ? " (" + Endpoint.reason(last) + ")" : ""));
      }
      // Resolve on every attempt: a name may appear in DNS after we start.
      InetSocketAddress target = new InetSocketAddress(a.getHostString(), a.getPort());
      if (target.isUnresolved()) {
        last = new UnknownHostException("cannot resolve " + a.getHostString());
      } else {
        b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(left, 10_000));
        ChannelFuture f = b.connect(target);
        if (f.awaitUninterruptibly(left + 1000) && f.isSuccess()) {
          awaitLink(peer, deadline, a);
          return;
        }
        last = f.cause();
        f.channel().close();
      }
      try {
        Thread.sleep(Math.max(1, Math.min(100, left))); // the peer may not listen yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProtocolException(me() + ": interrupted while connecting", e);
      }
    }
  }

  private void awaitLink(int peer, long deadline, InetSocketAddress a) {
    synchronized (lock) {
      while (links[peer + 1] == null) {
        checkFailure();
        if (!waitLock(deadline)) {
          throw new ProtocolException(me() + ": no handshake from " + Wire.label(peer) + " at "
              + Hosts.show(a) + " within " + NetOptions.seconds(options.connectTimeout()));
        }
      }
    }
  }

  private void awaitDialers(long deadline) {
    synchronized (lock) {
      while (true) {
        checkFailure();
        List<Integer> missing = new ArrayList<>();
        for (int p = self + 1; p < parties; p++) {
          if (links[p + 1] == null) {
            missing.add(p);
          }
        }
        if (missing.isEmpty()) {
          return;
        }
        if (!waitLock(deadline)) {
          String who = missing.size() == 1 ? "party " + missing.get(0)
              : "parties " + missing.toString().replaceAll("[\\[\\]]", "");
          throw new ProtocolException(me() + ": " + who + " did not connect within "
              + NetOptions.seconds(options.connectTimeout()) + " (listening on "
              + Hosts.show(hosts.address(self)) + ")");
        }
      }
    }
  }

  /** Under lock: waits until notified or the deadline; false once the deadline has passed. */
  private boolean waitLock(long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      return false;
    }
    try {
      lock.wait(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException(me() + ": interrupted while connecting", e);
    }
    return true;
  }

  private void checkFailure() {
    synchronized (lock) {
      if (failure != null) {
        throw new ProtocolException(failure);
      }
    }
  }

  /** Tests only: sees every new channel once its handlers are in place. */
  static volatile Consumer<SocketChannel> wireTap;

  private ChannelInitializer<SocketChannel> initializer(int dialed) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) throws SSLException {
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        ByteCounter counter = new ByteCounter();
        Tls tls = options.tls();
        if (options.encrypted()) {
          // First in the pipeline: everything after it, the hello with its seed included,
          // only ever travels encrypted. Byte counts stay those of the protocol's frames.
          SslHandler ssl = (dialed == PeerHandler.LISTENER ? tls.serverContext()
              : tls.clientContext(dialed)).newHandler(ch.alloc());
          ssl.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
          ch.pipeline().addLast(ssl);
        }
        ch.pipeline().addLast(counter, new WireDecoder(arrays),
            new PeerHandler(Setup.this, dialed, counter));
        Consumer<SocketChannel> tap = wireTap;
        if (tap != null) {
          tap.accept(ch);
        }
      }
    };
  }

  // ---- PeerHandler.Host (event loop)

  @Override
  public int self() {
    return self;
  }

  @Override
  public String digest() {
    return digest;
  }

  @Override
  public String addressOf(int id) {
    return hosts.has(id) ? Hosts.show(hosts.address(id)) : "not in " + hosts.source();
  }

  @Override
  public X509Certificate certificate(int id) {
    return options.tls().certificate(id);
  }

  @Override
  public byte[] localKey(int id) {
    return id >= Hosts.DEALER && id < parties ? localKeys[id + 1] : null;
  }

  @Override
  public boolean local() {
    return options.local();
  }

  @Override
  public String expectedDialers() {
    return self == parties - 2 ? "party " + (parties - 1)
        : "one of parties " + (self + 1) + ".." + (parties - 1);
  }

  @Override
  public boolean claim(int id) {
    synchronized (lock) {
      if (id <= self || id >= parties || claimed[id + 1] || done) {
        return false;
      }
      claimed[id + 1] = true;
      return true;
    }
  }

  @Override
  public void ready(Link link) {
    synchronized (lock) {
      links[link.peer + 1] = link;
      lock.notifyAll();
    }
  }

  @Override
  public void failed(String message) {
    synchronized (lock) {
      if (failure == null && !done) {
        failure = message;
      }
      lock.notifyAll();
    }
  }

  @Override
  public void signal() {
    signal.run();
  }
}
