package dev.berth.core;

import java.net.InetSocketAddress;

/** A listen address such as {@code 127.0.0.1:8000}, {@code [::1]:8000} or {@code :8080}. */
public record HostPort(String host, int port) {
  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535");
    }
  }

  public static HostPort parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT, got nothing");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("expected [IPV6]:PORT, got '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || text.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
      }
      host = text.substring(0, colon).isEmpty() ? "0.0.0.0" : text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    try {
      return new HostPort(host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port must be a number 0-65535, got '" + port + "'");
    }
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  public HostPort withPort(int newPort) {
    return new HostPort(host, newPort);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
