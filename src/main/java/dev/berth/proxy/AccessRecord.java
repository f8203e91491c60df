package dev.berth.proxy;

/**
 * One finished request as the proxy saw it. {@code upstream} is {@code "host:port"}, or null when
 * the proxy answered itself; {@code bytesOut} counts the response body bytes sent downstream.
 */
public record AccessRecord(
    long epochMillis,
    String host,
    String method,
    String path,
    int status,
    long bytesOut,
    long durationMicros,
    String upstream,
    String client,
    String requestId) {}
