package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.core.Metrics;
import dev.berth.core.StartupException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The edge proxy's HTTP and HTTPS listeners. They bind in the constructor, so a port in use stops
 * Berth before anything else starts, and accept connections from {@link #start()}. HTTPS
 * connections are set up by {@link TlsPipeline} (SNI, ALPN, HTTP/2) and end in the same guard and
 * proxy handler.
 *
 * <pre>
 * downstream: ReadTimers ─► ServerCodec ─► RequestGuard ─► HttpsRedirect ─► ProxyHandler
 *               ─► Exchange (or Tunnel)
 * upstream:   HttpClientCodec ─► UpstreamHandler ─► Exchange
 * </pre>
 */
public final class EdgeServer implements Lifecycle {
  private static final Log LOG = Log.of(EdgeServer.class);
  private final EventLoopGroup group;
  private final Channel server;
  private final Channel tlsServer;
  private final DataPlane plane;

  public EdgeServer(
      HostPort listen,
      Routes routes,
      InetSocketAddress console,
      Metrics metrics,
      Ids ids,
      int eventLoops) {
    this(listen, routes, console, metrics, ids, eventLoops, ProxyLimits.DEFAULTS);
  }

  /** Plain HTTP only (no HTTPS listener). */
  public EdgeServer(
      HostPort listen,
      Routes routes,
      InetSocketAddress console,
      Metrics metrics,
      Ids ids,
      int eventLoops,
      ProxyLimits limits) {
    this(listen, routes, console, metrics, ids, eventLoops, limits, AccessSink.NONE);
  }

  /** HTTP only, every finished request reported to {@code access}. */
  EdgeServer(
      HostPort listen,
      Routes routes,
      InetSocketAddress console,
      Metrics metrics,
      Ids ids,
      int eventLoops,
      ProxyLimits limits,
      AccessSink access) {
    this(
        listen,
        null,
        new CertificateBook(),
        routes,
        console,
        metrics,
        ids,
        eventLoops,
        limits,
        access);
  }

  /**
   * HTTP on {@code listen} and, unless {@code tlsListen} is null, HTTPS on {@code tlsListen} with
   * the certificates in {@code book}; both on the same event loops. Every finished request is
   * reported to {@code access}.
   */
  public EdgeServer(
      HostPort listen,
      HostPort tlsListen,
      CertificateBook book,
      Routes routes,
      InetSocketAddress console,
      Metrics metrics,
      Ids ids,
      int eventLoops,
      ProxyLimits limits,
      AccessSink access) {
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            eventLoops, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    var pool = new UpstreamPool(epoll ? EpollSocketChannel.class : NioSocketChannel.class, limits);
    this.plane =
        new DataPlane(
            routes,
            console,
            requestIds(ids),
            pool,
            new Balancer(InstantSource.system(), limits.ejection().toMillis()),
            limits,
            metrics,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
            new AtomicInteger(),
            new AtomicBoolean(),
            InstantSource.system(),
            access,
            new java.util.concurrent.atomic.AtomicReference<>(),
            new AcmeChallenges());
    metrics.sampled(
        "berth_proxy_upstream_connections",
        "Idle keep-alive connections to upstreams held in the proxy's pools.",
        "gauge",
        sink -> sink.add("", pool.idleConnections()));
    var decoder = decoderConfig(limits);
    this.tlsServer =
        tlsListen == null
            ? null
            : bind(tlsListen, epoll, new TlsPipeline(plane, book, decoder), "--https-addr");
    this.server = bind(listen, epoll, plainPipeline(decoder, book), "--http-addr");
  }

  /** Where the ACME client publishes HTTP-01 answers for this listener to serve. */
  public AcmeChallenges challenges() {
    return plane.challenges();
  }

  /**
   * Request ids in the usual id layout, made per event loop from a fast generator seeded by the
   * platform's random source: a request id needs to be unique, not unguessable, and drawing two
   * longs from the platform's SecureRandom for every request was a measurable share of its cost.
   */
  private static Supplier<String> requestIds(Ids ids) {
    long seed = ByteBuffer.wrap(Base64.getUrlDecoder().decode(ids.secret(8))).getLong();
    var seeds = new SplittableRandom(seed);
    ThreadLocal<Ids> perLoop;
    synchronized (seeds) {
      perLoop = ThreadLocal.withInitial(() -> newIds(seeds));
    }
    return () -> perLoop.get().next();
  }

  private static Ids newIds(SplittableRandom seeds) {
    synchronized (seeds) {
      return new Ids(InstantSource.system(), seeds.split());
    }
  }

  private static HttpDecoderConfig decoderConfig(ProxyLimits limits) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(limits.maxRequestLine())
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setMaxChunkSize(64 * 1024)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true);
  }

  private ChannelInitializer<SocketChannel> plainPipeline(
      HttpDecoderConfig decoder, CertificateBook book) {
    var limits = plane.limits();
    return new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        plane.connections().add(ch);
        var timers = new ReadTimers(limits);
        ch.pipeline()
            .addLast(
                timers,
                new ServerCodec(decoder),
                new RequestGuard(limits.maxHeaders(), plane.ids()),
                new HttpsRedirect(book, EdgeServer.this::httpsPort, plane),
                new ProxyHandler(plane, timers));
      }
    };
  }

  private Channel bind(
      HostPort listen, boolean epoll, ChannelInitializer<SocketChannel> pipeline, String flag) {
    var bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(pipeline);
    try {
      return bootstrap.bind(listen.socketAddress()).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's checked IOException unchecked
      if (tlsServer != null) {
        tlsServer.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new StartupException(
          "proxy address "
              + listen
              + " is not available (in use, or not an address of this machine); choose another"
              + " with "
              + flag,
          e);
    }
  }

  /** The secret the proxy proves itself with on requests it forwards to the console. */
  public void consoleTrust(dev.berth.core.ProxyTrust trust) {
    plane.consoleTrust().set(trust);
  }

  /** The balancer, for draining an instance (in-flight counts, closing what is left). */
  Balancer balancer() {
    return plane.balancer();
  }

  /** The HTTPS listener's bound port, or 443 when there is none (redirects then omit it). */
  int httpsPort() {
    return tlsServer == null ? 443 : ((InetSocketAddress) tlsServer.localAddress()).getPort();
  }

  /** The bound HTTPS address, or null when this server has no HTTPS listener. */
  public InetSocketAddress tlsAddress() {
    return tlsServer == null ? null : (InetSocketAddress) tlsServer.localAddress();
  }

  /** The bound address (the real port when the listen port was 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void start() {
    server.config().setAutoRead(true);
    LOG.info(
        "proxy listening", "address", address(), "transport", server.getClass().getSimpleName());
    if (tlsServer != null) {
      tlsServer.config().setAutoRead(true);
      LOG.info("proxy listening for HTTPS", "address", tlsAddress(), "protocols", "h2 http/1.1");
    }
  }

  /** Stops accepting, lets requests in flight finish up to the grace period, then closes. */
  @Override
  public void stop() {
    try {
      plane.draining().set(true);
      server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      if (tlsServer != null) {
        tlsServer.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + plane.limits().shutdownGrace().toNanos();
      while (plane.inFlight().get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      plane.connections().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("proxy stop was not clean", "error", e.toString());
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
