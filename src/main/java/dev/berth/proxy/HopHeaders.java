package dev.berth.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.regex.Pattern;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and are never forwarded: Connection
 * and every header it names, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade. Transfer-Encoding
 * stays when it is chunked because Netty's encoder re-frames the body from it.
 */
final class HopHeaders {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private HopHeaders() {}

  static void strip(HttpHeaders headers) {
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String named : value.split(",")) {
        String name = named.trim();
        if (!name.isEmpty() && !name.equalsIgnoreCase("transfer-encoding")) {
          headers.remove(name);
        }
      }
    }
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove("Keep-Alive");
    headers.remove("Proxy-Connection");
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.UPGRADE);
  }

  /** The incoming X-Request-Id when it is safe to log and echo, else a new one. */
  static String requestId(HttpHeaders headers, java.util.function.Supplier<String> fresh) {
    String incoming = headers.get("X-Request-Id");
    return incoming != null && SAFE_ID.matcher(incoming).matches() ? incoming : fresh.get();
  }

  /** Sets the X-Forwarded-* family on a request bound upstream. */
  static void forwarded(HttpHeaders headers, String client, String host, String requestId) {
    forwarded(headers, client, host, requestId, "http");
  }

  /** As above; {@code scheme} is how the request reached the proxy ("http" or "https"). */
  static void forwarded(
      HttpHeaders headers, String client, String host, String requestId, String scheme) {
    String prior = headers.get("X-Forwarded-For");
    headers.set(
        "X-Forwarded-For", prior == null || prior.isBlank() ? client : prior + ", " + client);
    headers.set("X-Forwarded-Proto", scheme);
    headers.set("X-Forwarded-Host", host);
    headers.set("X-Request-Id", requestId);
  }
}
