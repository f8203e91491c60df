package dev.berth.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.function.Supplier;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and are never forwarded: Connection
 * and every header it names, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade. Transfer-Encoding
 * stays when it is chunked because Netty's encoder re-frames the body from it. The one exception is
 * a WebSocket upgrade, whose Upgrade and Connection headers are forwarded (re-written to exactly
 * {@code Upgrade: websocket}, {@code Connection: Upgrade}) so the app can accept it.
 */
final class HopHeaders {
  private static final int MAX_ID = 64;
  // Cached names hash once, not on every request.
  static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-Id");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("Proxy-Connection");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("Keep-Alive");
  private static final AsciiString UPGRADE = AsciiString.cached("Upgrade");

  private HopHeaders() {}

  static void strip(HttpHeaders headers) {
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
        removeNamed(headers, value);
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.UPGRADE);
  }

  private static void removeNamed(HttpHeaders headers, String value) {
    int start = 0;
    while (start <= value.length()) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? value.length() : comma;
      String name = value.substring(start, end).trim();
      if (!name.isEmpty()
          && !name.equalsIgnoreCase("transfer-encoding")
          && !name.equalsIgnoreCase("keep-alive")
          && !name.equalsIgnoreCase("close")) {
        headers.remove(name);
      }
      start = end + 1;
    }
  }

  /**
   * True for a WebSocket opening handshake (RFC 6455 4.1): a GET whose Connection names Upgrade and
   * whose Upgrade is websocket. Only such a request is forwarded with its upgrade headers.
   */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    var headers = request.headers();
    return request.method().equals(HttpMethod.GET)
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** Strips hop-by-hop headers from a WebSocket handshake, then puts the upgrade back. */
  static void stripForUpgrade(HttpHeaders headers) {
    strip(headers);
    headers.set(HttpHeaderNames.CONNECTION, UPGRADE);
    headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
  }

  /** The incoming X-Request-Id when it is safe to log and echo, else a new one. */
  static String requestId(HttpHeaders headers, Supplier<String> fresh) {
    String incoming = headers.get(X_REQUEST_ID);
    return incoming != null && safeId(incoming) ? incoming : fresh.get();
  }

  /** 1 to 64 of {@code A-Z a-z 0-9 . _ : -}. */
  private static boolean safeId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Sets the X-Forwarded-* family on a request bound upstream. */
  static void forwarded(HttpHeaders headers, String client, String host, String requestId) {
    forwarded(headers, client, host, requestId, "http");
  }

  /** As above; {@code scheme} is how the request reached the proxy ("http" or "https"). */
  static void forwarded(
      HttpHeaders headers, String client, String host, String requestId, String scheme) {
    String prior = headers.get(X_FORWARDED_FOR);
    headers.set(X_FORWARDED_FOR, prior == null || prior.isBlank() ? client : prior + ", " + client);
    headers.set("X-Forwarded-Proto", scheme);
    headers.set(X_FORWARDED_HOST, host);
    headers.set(X_REQUEST_ID, requestId);
  }
}
