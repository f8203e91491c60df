package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Berth's edge proxy guard, driven through the same codec the edge server puts in front of it. */
class RequestGuardTest {
  private static final ProxyLimits LIMITS = ProxyLimits.DEFAULTS;

  /** The pipeline EdgeServer builds, minus the read timers and the proxy handler behind it. */
  private static EmbeddedChannel channel() {
    var decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(LIMITS.maxRequestLine())
            .setMaxHeaderSize(LIMITS.maxHeaderBytes())
            .setMaxChunkSize(64 * 1024)
            .setAllowDuplicateContentLengths(false)
            .setStrictLineParsing(true);
    return new EmbeddedChannel(
        new ServerCodec(decoder), new RequestGuard(LIMITS.maxHeaders(), () -> "req-test-1"));
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  private static String written(EmbeddedChannel ch) {
    var out = new StringBuilder();
    for (Object msg = ch.readOutbound(); msg != null; msg = ch.readOutbound()) {
      if (msg instanceof ByteBuf buf) {
        out.append(buf.toString(StandardCharsets.UTF_8));
      }
      ReferenceCountUtil.release(msg);
    }
    return out.toString();
  }

  @Test
  void wellFormedRequestPassesThroughUnchanged() {
    var ch = channel();
    ch.writeInbound(
        ascii(
            "POST /api/items?x=1 HTTP/1.1\r\n"
                + "Host: app.example.com\r\n"
                + "Content-Length: 5\r\n"
                + "X-Custom: kept\r\n"
                + "\r\n"
                + "hello"));

    HttpRequest request = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertEquals(HttpMethod.POST, request.method());
    assertEquals("/api/items?x=1", request.uri());
    assertEquals("app.example.com", request.headers().get("Host"));
    assertEquals("5", request.headers().get("Content-Length"));
    assertEquals("kept", request.headers().get("X-Custom"));
    assertEquals(3, request.headers().size());
    HttpContent body = assertInstanceOf(LastHttpContent.class, ch.readInbound());
    assertEquals("hello", body.content().toString(StandardCharsets.US_ASCII));
    body.release();
    assertNull(ch.readInbound());
    assertEquals("", written(ch));
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void chunkedRequestPasses() {
    var ch = channel();
    ch.writeInbound(
        ascii(
            "POST / HTTP/1.1\r\nHost: app.example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n"));
    HttpRequest request = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertEquals("chunked", request.headers().get("Transfer-Encoding"));
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void absoluteFormWithTheSameHostBecomesOriginForm() {
    var ch = channel();
    ch.writeInbound(
        ascii("GET http://app.example.com/a/b?c=d HTTP/1.1\r\nHost: app.example.com\r\n\r\n"));
    HttpRequest request = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertEquals("/a/b?c=d", request.uri());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  static Stream<Arguments> refused() {
    var manyHeaders = new StringBuilder();
    for (int i = 0; i < LIMITS.maxHeaders(); i++) {
      manyHeaders.append("X-H").append(i).append(": v\r\n");
    }
    return Stream.of(
        Arguments.of(
            "content-length with transfer-encoding",
            "POST / HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "two different content-lengths",
            "POST / HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                + "hello!",
            400),
        Arguments.of(
            "gzip then chunked",
            "POST / HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "0\r\n\r\n",
            400),
        Arguments.of("missing host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        Arguments.of(
            "two host headers",
            "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n",
            400),
        Arguments.of("host with a space", "GET / HTTP/1.1\r\nHost: a example\r\n\r\n", 400),
        Arguments.of("host with a bad port", "GET / HTTP/1.1\r\nHost: a.example:http\r\n\r\n", 400),
        Arguments.of("host with an empty port", "GET / HTTP/1.1\r\nHost: a.example:\r\n\r\n", 400),
        Arguments.of(
            "host with port 65536", "GET / HTTP/1.1\r\nHost: a.example:65536\r\n\r\n", 400),
        Arguments.of("host with port 99999", "GET / HTTP/1.1\r\nHost: [::1]:99999\r\n\r\n", 400),
        Arguments.of(
            "folded header line",
            "GET / HTTP/1.1\r\nHost: a.example\r\nX-A: 1\r\n\tfolded\r\n\r\n",
            400),
        Arguments.of(
            "absolute target naming another host",
            "GET http://evil.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n",
            400),
        Arguments.of(
            "NUL in a header value", "GET / HTTP/1.1\r\nHost: a.example\r\nX-A: a\0b\r\n\r\n", 400),
        Arguments.of(
            "control character in a header value",
            "GET / HTTP/1.1\r\nHost: a.example\r\nX-A: a\u0001b\r\n\r\n",
            400),
        Arguments.of(
            "more headers than the limit",
            "GET / HTTP/1.1\r\nHost: a.example\r\n" + manyHeaders + "\r\n",
            431),
        Arguments.of(
            "request line over the limit",
            "GET /"
                + "a".repeat(LIMITS.maxRequestLine() + 10)
                + " HTTP/1.1\r\nHost: a.example\r\n\r\n",
            414),
        Arguments.of(
            "header block over the limit",
            "GET / HTTP/1.1\r\nHost: a.example\r\nX-Big: "
                + "b".repeat(LIMITS.maxHeaderBytes() + 10)
                + "\r\n\r\n",
            431));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWithStatusAndCloses(String name, String raw, int status) {
    var ch = channel();
    ch.writeInbound(ascii(raw));

    String response = written(ch);
    assertTrue(
        response.startsWith("HTTP/1.1 " + status + " "), name + ": wrote " + firstLine(response));
    assertTrue(response.toLowerCase().contains("connection: close"), name);
    assertTrue(response.contains("req-test-1"), name);
    assertNull(ch.readInbound(), name + ": something reached the next handler");
    assertFalse(ch.isOpen(), name + ": the connection stayed open");
    ch.finishAndReleaseAll();
  }

  @Test
  void nothingAfterARefusalIsPassedOn() {
    var ch = channel();
    ch.writeInbound(
        ascii(
            "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: a.example\r\n\r\n"));
    assertTrue(written(ch).startsWith("HTTP/1.1 400 "));
    assertNull(ch.readInbound());
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aHostWithTheHighestPortPasses() {
    var ch = channel();
    ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a.example:65535\r\n\r\n"));
    assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aFoldedHeadPipelinedBehindABodyIsRefused() {
    var ch = channel();
    ch.writeInbound(
        ascii(
            "POST / HTTP/1.1\r\nHost: a.example\r\nContent-Length: 7\r\n\r\nhi\r\n xy"
                + "GET /second HTTP/1.1\r\nHost: a.example\r\nX-A: 1\r\n  folded\r\n\r\n"));
    HttpRequest first = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertEquals("/", first.uri());
    HttpContent body = assertInstanceOf(LastHttpContent.class, ch.readInbound());
    assertEquals("hi\r\n xy", body.content().toString(StandardCharsets.US_ASCII));
    body.release();
    assertNull(ch.readInbound(), "the folded second request was passed on");
    assertTrue(written(ch).startsWith("HTTP/1.1 400 "));
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  @Test
  void aBodyThatLooksFoldedIsNotRefused() {
    var ch = channel();
    ch.writeInbound(
        ascii(
            "POST / HTTP/1.1\r\nHost: a.example\r\nContent-Length: 7\r\n\r\nhi\r\n xy"
                + "GET /second HTTP/1.1\r\nHost: a.example\r\n\r\n"));
    assertInstanceOf(HttpRequest.class, ch.readInbound());
    ReferenceCountUtil.release(ch.readInbound());
    HttpRequest second = assertInstanceOf(HttpRequest.class, ch.readInbound());
    assertEquals("/second", second.uri());
    assertTrue(ch.isOpen());
    ch.finishAndReleaseAll();
  }

  private static String firstLine(String response) {
    int end = response.indexOf("\r\n");
    return end < 0 ? response : response.substring(0, end);
  }
}
