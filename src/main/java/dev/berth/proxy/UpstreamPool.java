package dev.berth.proxy;

import dev.berth.core.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to upstream instances, one LIFO stack per event loop and address so a
 * request never crosses threads: the most recently used connection is reused first (warm, least
 * likely to have been closed by the upstream). One sweep per event loop closes connections idle
 * longer than the upstream idle limit, so giving a connection back schedules nothing. Only the
 * event loop that owns a stack touches it.
 *
 * <p>It also turns an instance into a socket address. IP literals are parsed in place; names
 * (usually {@code localhost}) are looked up off the event loop, because a lookup blocks, and the
 * answer is kept for {@link #NAME_TTL_MILLIS}.
 */
final class UpstreamPool {
  static final long NAME_TTL_MILLIS = 30_000;
  private final Class<? extends Channel> channelType;
  private final ProxyLimits limits;
  private final AtomicInteger idle = new AtomicInteger();
  private final Map<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> stacks =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HostPort, Resolved> addresses = new ConcurrentHashMap<>();
  private final Executor lookups = Executors.newVirtualThreadPerTaskExecutor();

  /** An address and until when it may be used (Long.MAX_VALUE for IP literals). */
  private record Resolved(CompletableFuture<InetSocketAddress> address, long until) {}

  UpstreamPool(Class<? extends Channel> channelType, ProxyLimits limits) {
    this.channelType = channelType;
    this.limits = limits;
  }

  /**
   * The socket address of {@code instance}: completed at once for an IP literal or a fresh cached
   * name, else completed by a lookup on another thread (failed when the name does not resolve).
   */
  CompletableFuture<InetSocketAddress> address(HostPort instance) {
    var known = addresses.get(instance);
    if (known != null && (known.until() == Long.MAX_VALUE || known.until() > nowMillis())) {
      return known.address();
    }
    if (addresses.size() > 10_000) {
      addresses.clear(); // instances came and went many times
    }
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(instance.host());
    if (literal != null) {
      var resolved =
          new Resolved(
              CompletableFuture.completedFuture(literal(instance, literal)), Long.MAX_VALUE);
      addresses.put(instance, resolved);
      return resolved.address();
    }
    var lookup =
        CompletableFuture.supplyAsync(
            () -> new InetSocketAddress(instance.host(), instance.port()), lookups);
    addresses.put(instance, new Resolved(lookup, nowMillis() + NAME_TTL_MILLIS));
    lookup.whenComplete(
        (address, error) -> {
          if (error != null || address.isUnresolved()) {
            addresses.remove(instance); // ask again next time: the name may exist by then
          }
        });
    return lookup;
  }

  private static InetSocketAddress literal(HostPort instance, byte[] bytes) {
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(instance.host(), bytes), instance.port());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an IP literal has a valid length", e);
    }
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  /** A pooled open connection on {@code loop}, or null. */
  Channel take(EventLoop loop, InetSocketAddress address) {
    var stack = stack(loop, address);
    Channel channel;
    while ((channel = stack.pollFirst()) != null) {
      idle.decrementAndGet();
      UpstreamHandler.of(channel).leavePool();
      if (channel.isActive()) {
        return channel;
      }
      channel.close();
    }
    return null;
  }

  ChannelFuture connect(EventLoop loop, InetSocketAddress address) {
    return new Bootstrap()
        .group(loop)
        .channel(channelType)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.upstreamConnect().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new UpstreamHandler(address));
              }
            })
        .connect(address);
  }

  /** Gives a connection back after a complete response; closes it when the stack is full. */
  void release(Channel channel, InetSocketAddress address) {
    var stack = stack(channel.eventLoop(), address);
    if (!channel.isActive() || stack.size() >= limits.idleUpstreamsPerAddress()) {
      channel.close();
      return;
    }
    stack.addFirst(channel);
    idle.incrementAndGet();
    UpstreamHandler.of(channel).enterPool(this, stack, nowMillis());
  }

  /** Called by a pooled connection's handler when the upstream closed it while idle. */
  void closedWhileIdle(ArrayDeque<Channel> stack, Channel channel) {
    if (stack.remove(channel)) {
      idle.decrementAndGet();
    }
  }

  int idleConnections() {
    return idle.get();
  }

  private ArrayDeque<Channel> stack(EventLoop loop, InetSocketAddress address) {
    var mine = stacks.get(loop);
    if (mine == null) {
      mine = stacks.computeIfAbsent(loop, this::startSweeping);
    }
    var stack = mine.get(address);
    if (stack == null) {
      stack = new ArrayDeque<>();
      mine.put(address, stack);
    }
    return stack;
  }

  private Map<InetSocketAddress, ArrayDeque<Channel>> startSweeping(EventLoop loop) {
    Map<InetSocketAddress, ArrayDeque<Channel>> mine = new HashMap<>();
    long period = Math.max(50, limits.upstreamIdle().toMillis() / 4);
    loop.scheduleAtFixedRate(() -> sweep(mine), period, period, TimeUnit.MILLISECONDS);
    return mine;
  }

  /** Closes the connections of one event loop that have been idle too long (oldest at the end). */
  private void sweep(Map<InetSocketAddress, ArrayDeque<Channel>> mine) {
    long oldest = nowMillis() - limits.upstreamIdle().toMillis();
    for (var stack : mine.values()) {
      Channel last;
      while ((last = stack.peekLast()) != null && UpstreamHandler.of(last).idleSince() <= oldest) {
        stack.pollLast();
        idle.decrementAndGet();
        UpstreamHandler.of(last).leavePool();
        last.close();
      }
    }
  }
}
