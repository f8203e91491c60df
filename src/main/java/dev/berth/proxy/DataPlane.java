package dev.berth.proxy;

import dev.berth.core.Metrics;
import dev.berth.core.ProxyTrust;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    AtomicBoolean draining,
    InstantSource clock,
    AccessSink access,
    AtomicReference<ProxyTrust> consoleTrust,
    AcmeChallenges challenges) {

  static final String REQUESTS = "berth_proxy_requests_total";
  private static final String[] STATUS_LABELS = {
    Metrics.label("status", "1xx"),
    Metrics.label("status", "2xx"),
    Metrics.label("status", "3xx"),
    Metrics.label("status", "4xx"),
    Metrics.label("status", "5xx"),
  };

  void count(int status) {
    int index = status / 100 - 1;
    metrics.inc(
        REQUESTS,
        "Requests answered by the edge proxy, by status class.",
        index >= 0 && index < STATUS_LABELS.length
            ? STATUS_LABELS[index]
            : Metrics.label("status", (status / 100) + "xx"),
        1);
  }
}
