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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The edge proxy's HTTP listener. It binds in the constructor, so a port in use stops Berth before
 * anything else starts, and accepts connections from {@link #start()}.
 *
 * <pre>
 * downstream: ReadTimers ─► HttpServerCodec ─► RequestGuard ─► ProxyHandler ─► Exchange
 * upstream:   HttpClientCodec ─► UpstreamHandler ─► Exchange
 * </pre>
 */
public final class EdgeServer implements Lifecycle {
  private static final Log LOG = Log.of(EdgeServer.class);
  private final EventLoopGroup group;
  private final Channel server;
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

  public EdgeServer(
      HostPort listen,
      Routes routes,
      InetSocketAddress console,
      Metrics metrics,
      Ids ids,
      int eventLoops,
      ProxyLimits limits) {
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            eventLoops, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    var pool = new UpstreamPool(epoll ? EpollSocketChannel.class : NioSocketChannel.class, limits);
    this.plane =
        new DataPlane(
            routes,
            console,
            ids::next,
            pool,
            new Balancer(InstantSource.system(), limits.ejection().toMillis()),
            limits,
            metrics,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
            new AtomicInteger(),
            new AtomicBoolean(),
            new AcmeChallenges());
    metrics.sampled(
        "berth_proxy_upstream_connections",
        "Idle keep-alive connections to upstreams held in the proxy's pools.",
        "gauge",
        sink -> sink.add("", pool.idleConnections()));
    this.server = bind(listen, epoll, limits);
  }

  /** Where the ACME client publishes HTTP-01 answers for this listener to serve. */
  public AcmeChallenges challenges() {
    return plane.challenges();
  }

  private Channel bind(HostPort listen, boolean epoll, ProxyLimits limits) {
    var decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxRequestLine())
            .setMaxHeaderSize(limits.maxHeaderBytes())
            .setMaxChunkSize(64 * 1024)
            .setAllowDuplicateContentLengths(false)
            .setStrictLineParsing(true);
    var bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    plane.connections().add(ch);
                    ch.pipeline()
                        .addLast(
                            new ReadTimers(limits.idleKeepAlive(), limits.headerRead()),
                            new HttpServerCodec(decoder),
                            new RequestGuard(limits.maxHeaders(), plane.ids()),
                            new ProxyHandler(plane));
                  }
                });
    try {
      return bootstrap.bind(listen.socketAddress()).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the bind's checked IOException unchecked
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new StartupException(
          "proxy address "
              + listen
              + " is not available (in use, or not an address of this machine); choose another"
              + " with --http-addr",
          e);
    }
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
  }

  /** Stops accepting, lets requests in flight finish up to the grace period, then closes. */
  @Override
  public void stop() {
    try {
      plane.draining().set(true);
      server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
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
