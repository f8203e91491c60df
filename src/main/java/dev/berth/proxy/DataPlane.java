package dev.berth.proxy;

import dev.berth.core.Metrics;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** What every downstream connection of one {@link EdgeServer} shares. */
record DataPlane(
    Routes routes,
    InetSocketAddress console,
    Supplier<String> ids,
    UpstreamPool pool,
    Balancer balancer,
    ProxyLimits limits,
    Metrics metrics,
    ChannelGroup connections,
    AtomicInteger inFlight,
    java.util.concurrent.atomic.AtomicBoolean draining,
    AcmeChallenges challenges) {

  static final String REQUESTS = "berth_proxy_requests_total";

  void count(int status) {
    metrics.inc(
        REQUESTS,
        "Requests answered by the edge proxy, by status class.",
        Metrics.label("status", (status / 100) + "xx"),
        1);
  }
}
