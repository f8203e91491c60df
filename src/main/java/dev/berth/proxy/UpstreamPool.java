package dev.berth.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to upstream instances, one LIFO stack per event loop and address so a
 * request never crosses threads: the most recently used connection is reused first (warm, least
 * likely to have been closed by the upstream), and one idle longer than {@code idleMillis} is
 * closed. Only the event loop that owns a stack touches it.
 */
final class UpstreamPool {
  private final Class<? extends Channel> channelType;
  private final ProxyLimits limits;
  private final AtomicInteger idle = new AtomicInteger();
  private final Map<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> stacks =
      new java.util.concurrent.ConcurrentHashMap<>();

  UpstreamPool(Class<? extends Channel> channelType, ProxyLimits limits) {
    this.channelType = channelType;
    this.limits = limits;
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
    channel.config().setAutoRead(true);
    var handler = UpstreamHandler.of(channel);
    long[] generation = new long[1];
    Runnable drop =
        () -> {
          if (handler.inPool(generation[0]) && stack.remove(channel)) {
            idle.decrementAndGet();
            handler.leavePool();
            channel.close();
          }
        };
    generation[0] = handler.enterPool(drop);
    channel.eventLoop().schedule(drop, limits.upstreamIdle().toMillis(), TimeUnit.MILLISECONDS);
  }

  int idleConnections() {
    return idle.get();
  }

  private ArrayDeque<Channel> stack(EventLoop loop, InetSocketAddress address) {
    return stacks
        .computeIfAbsent(loop, l -> new HashMap<>())
        .computeIfAbsent(address, a -> new ArrayDeque<>());
  }
}
