package dev.berth.proxy;

import java.time.Duration;

/**
 * The data plane's sizes and clocks. {@link #DEFAULTS} is what users get; tests shrink the timeouts
 * so that a stuck peer fails a test in seconds, not minutes.
 *
 * <p>{@code bodyRead}: the longest a client may go without sending a byte of a request body it
 * started (408 and close). {@code tunnelIdle}: the longest a WebSocket tunnel may carry nothing
 * either way.
 */
public record ProxyLimits(
    int maxRequestLine,
    int maxHeaderBytes,
    int maxHeaders,
    Duration headerRead,
    Duration idleKeepAlive,
    Duration upstreamConnect,
    Duration upstreamResponse,
    Duration upstreamIdle,
    int idleUpstreamsPerAddress,
    Duration ejection,
    Duration shutdownGrace,
    Duration bodyRead,
    Duration tunnelIdle) {
  public static final ProxyLimits DEFAULTS =
      new ProxyLimits(
          8 * 1024,
          32 * 1024,
          100,
          Duration.ofSeconds(15),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          64,
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofHours(1));

  public ProxyLimits withTimeouts(Duration headerRead, Duration upstreamResponse) {
    return new ProxyLimits(
        maxRequestLine,
        maxHeaderBytes,
        maxHeaders,
        headerRead,
        idleKeepAlive,
        upstreamConnect,
        upstreamResponse,
        upstreamIdle,
        idleUpstreamsPerAddress,
        ejection,
        shutdownGrace,
        bodyRead,
        tunnelIdle);
  }

  /** The same limits with every clock replaced (tests). */
  public ProxyLimits withClocks(
      Duration headerRead,
      Duration idleKeepAlive,
      Duration upstreamConnect,
      Duration upstreamResponse,
      Duration bodyRead,
      Duration tunnelIdle) {
    return new ProxyLimits(
        maxRequestLine,
        maxHeaderBytes,
        maxHeaders,
        headerRead,
        idleKeepAlive,
        upstreamConnect,
        upstreamResponse,
        upstreamIdle,
        idleUpstreamsPerAddress,
        ejection,
        shutdownGrace,
        bodyRead,
        tunnelIdle);
  }
}
