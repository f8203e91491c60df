package dev.berth.proxy;

/**
 * One finished request as the proxy saw it. {@code host} is the host name the client asked for,
 * lower case and without a port (so {@code hello.localhost:8080} and {@code HELLO.localhost} are
 * one host); {@code upstream} is {@code "host:port"}, or null when the proxy answered itself;
 * {@code bytesOut} counts the response body bytes sent downstream.
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
    String requestId) {
  /** The host name of a Host header: without its port, lower case; null stays null. */
  static String hostName(String host) {
    if (host == null) {
      return null;
    }
    String name = ProxyHandler.hostName(host);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return name.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return name;
  }
}
