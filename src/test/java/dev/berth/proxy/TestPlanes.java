package dev.berth.proxy;

import dev.berth.core.Metrics;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A data plane for handler tests that run on an EmbeddedChannel, without an EdgeServer. */
final class TestPlanes {
  private TestPlanes() {}

  static DataPlane plane(
      Routes routes, InetSocketAddress console, UpstreamPool pool, ProxyLimits limits) {
    return new DataPlane(
        routes,
        console,
        () -> "id-1",
        pool,
        new Balancer(InstantSource.system(), 1000),
        limits,
        new Metrics(),
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        new AtomicInteger(),
        new AtomicBoolean(),
        InstantSource.system(),
        AccessSink.NONE,
        new AtomicReference<>(),
        new AcmeChallenges());
  }
}
