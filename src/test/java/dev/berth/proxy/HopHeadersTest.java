package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Berth's edge proxy strips and adds on the way to and from an app. */
class HopHeadersTest {
  private static final List<String> HOP_BY_HOP =
      List.of("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade");

  private static HttpHeaders hopHeavy() {
    return new DefaultHttpHeaders()
        .add("Host", "app.example.com")
        .add("Connection", "keep-alive, X-Secret-Hop")
        .add("Connection", "Upgrade")
        .add("X-Secret-Hop", "1")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("TE", "trailers")
        .add("Trailer", "Expires")
        .add("Upgrade", "websocket")
        .add("Accept", "text/html")
        .add("Content-Length", "0");
  }

  @Test
  void stripRemovesConnectionAndWhatItNamesFromARequest() {
    var headers = hopHeavy();
    HopHeaders.strip(headers);
    for (String name : HOP_BY_HOP) {
      assertFalse(headers.contains(name), name);
    }
    assertFalse(headers.contains("X-Secret-Hop"));
    assertEquals("app.example.com", headers.get("Host"));
    assertEquals("text/html", headers.get("Accept"));
    assertEquals("0", headers.get("Content-Length"));
    assertEquals(3, headers.size());
  }

  @Test
  void stripKeepsChunkedTransferEncodingEvenWhenConnectionNamesIt() {
    var headers =
        new DefaultHttpHeaders()
            .add("Connection", "Transfer-Encoding")
            .add("Transfer-Encoding", "chunked");
    HopHeaders.strip(headers);
    assertEquals("chunked", headers.get("Transfer-Encoding"));
    assertFalse(headers.contains("Connection"));
  }

  @Test
  void stripRemovesHopByHopHeadersFromAResponse() {
    var headers =
        new DefaultHttpHeaders()
            .add("Content-Type", "text/plain")
            .add("Connection", "close, X-Backend-Hop")
            .add("X-Backend-Hop", "secret")
            .add("Keep-Alive", "timeout=5")
            .add("Upgrade", "h2c")
            .add("Trailer", "X-Checksum");
    HopHeaders.strip(headers);
    assertEquals(1, headers.size());
    assertEquals("text/plain", headers.get("Content-Type"));
  }

  @Test
  void forwardedAppendsToAnExistingXForwardedFor() {
    var headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.7");
    HopHeaders.forwarded(headers, "198.51.100.2", "app.example.com", "rid-1");
    assertEquals("203.0.113.7, 198.51.100.2", headers.get("X-Forwarded-For"));
    assertEquals("http", headers.get("X-Forwarded-Proto"));
    assertEquals("app.example.com", headers.get("X-Forwarded-Host"));
    assertEquals("rid-1", headers.get("X-Request-Id"));
  }

  @Test
  void forwardedStartsXForwardedForAndOverwritesSpoofedProtoAndHost() {
    var headers =
        new DefaultHttpHeaders()
            .add("X-Forwarded-Proto", "https")
            .add("X-Forwarded-Host", "bank.example")
            .add("X-Request-Id", "old");
    HopHeaders.forwarded(headers, "198.51.100.2", "app.example.com", "rid-2");
    assertEquals("198.51.100.2", headers.get("X-Forwarded-For"));
    assertEquals(List.of("http"), headers.getAll("X-Forwarded-Proto"));
    assertEquals(List.of("app.example.com"), headers.getAll("X-Forwarded-Host"));
    assertEquals(List.of("rid-2"), headers.getAll("X-Request-Id"));
  }

  @Test
  void aSafeIncomingRequestIdIsKept() {
    var headers = new DefaultHttpHeaders().add("X-Request-Id", "abc-123_x.y:z");
    assertEquals("abc-123_x.y:z", HopHeaders.requestId(headers, () -> "fresh"));
  }

  @Test
  void anUnsafeOrMissingRequestIdIsReplaced() {
    for (String unsafe :
        List.of("", "has space", "<script>", "a\"b", "x".repeat(65), "semi;colon", "new\tline")) {
      var headers =
          DefaultHttpHeadersFactory.headersFactory()
              .withValidation(false)
              .newHeaders()
              .add("X-Request-Id", unsafe);
      assertEquals("fresh", HopHeaders.requestId(headers, () -> "fresh"), unsafe);
    }
    assertEquals("fresh", HopHeaders.requestId(new DefaultHttpHeaders(), () -> "fresh"));
  }

  private static io.netty.handler.codec.http.HttpRequest handshake(
      io.netty.handler.codec.http.HttpMethod method, String connection, String upgrade) {
    var request =
        new io.netty.handler.codec.http.DefaultHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, method, "/ws");
    request.headers().add("Connection", connection).add("Upgrade", upgrade);
    return request;
  }

  @Test
  void onlyAGetWithConnectionUpgradeAndUpgradeWebsocketIsAWebSocketHandshake() {
    var get = io.netty.handler.codec.http.HttpMethod.GET;
    org.junit.jupiter.api.Assertions.assertTrue(
        HopHeaders.isWebSocketUpgrade(handshake(get, "keep-alive, Upgrade", "WebSocket")));
    assertFalse(
        HopHeaders.isWebSocketUpgrade(
            handshake(io.netty.handler.codec.http.HttpMethod.POST, "Upgrade", "websocket")));
    assertFalse(HopHeaders.isWebSocketUpgrade(handshake(get, "keep-alive", "websocket")));
    assertFalse(HopHeaders.isWebSocketUpgrade(handshake(get, "Upgrade", "h2c")));
  }

  @Test
  void aHandshakeKeepsExactlyItsUpgradeHeaders() {
    var headers = hopHeavy();
    HopHeaders.stripForUpgrade(headers);
    assertEquals("Upgrade", headers.get("Connection"));
    assertEquals("websocket", headers.get("Upgrade"));
    assertFalse(headers.contains("X-Secret-Hop"));
    assertFalse(headers.contains("Keep-Alive"));
    assertFalse(headers.contains("TE"));
  }
}
