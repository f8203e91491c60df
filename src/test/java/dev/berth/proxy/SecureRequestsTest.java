package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecureRequestsTest {
  @Test
  void anHttp2RequestIsShapedForTheHttp11PathAndSplitIntoHeadAndBody() {
    var metrics = new Metrics();
    var channel = new EmbeddedChannel(new SecureRequests(metrics, true));
    var request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/p",
            Unpooled.copiedBuffer("body", StandardCharsets.UTF_8));
    request.headers().add("Host", "app.test").add("host", "APP.test");
    request.headers().add("x-http2-stream-id", "3").add("X-Http2-Scheme", "https");
    channel.writeInbound(request);
    HttpRequest head = channel.readInbound();
    assertFalse(head instanceof FullHttpRequest);
    assertEquals(1, head.headers().getAll("Host").size());
    assertFalse(head.headers().contains("x-http2-stream-id"));
    assertFalse(head.headers().contains("x-http2-scheme"));
    assertEquals("close", head.headers().get("Connection"));
    LastHttpContent body = channel.readInbound();
    assertEquals("body", body.content().toString(StandardCharsets.UTF_8));
    body.release();
    assertTrue(metrics.render().contains("protocol=\"h2\""), metrics.render());
  }

  @Test
  void twoDifferentHostsStayForTheGuardToRefuse() {
    var channel = new EmbeddedChannel(new SecureRequests(new Metrics(), true));
    var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    request.headers().add("Host", "app.test").add("Host", "evil.test");
    channel.writeInbound(request);
    HttpRequest head = channel.readInbound();
    assertEquals(2, head.headers().getAll("Host").size());
    channel.finishAndReleaseAll();
  }

  @Test
  void connectionHeadersNeverReachAnHttp2Response() {
    var channel = new EmbeddedChannel(new Http2StreamFrameToHttpObjectCodec(true));
    var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set("Connection", "close, X-Private");
    response.headers().set("Keep-Alive", "timeout=5").set("X-Private", "1");
    response.headers().set("Transfer-Encoding", "chunked").set("Via", "1.1 berth");
    channel.writeOutbound(response);
    Http2HeadersFrame frame = channel.readOutbound();
    var headers = frame.headers();
    assertFalse(headers.contains("connection"));
    assertFalse(headers.contains("keep-alive"));
    assertFalse(headers.contains("transfer-encoding"));
    assertFalse(headers.contains("x-private"));
    assertEquals("1.1 berth", headers.get("via").toString());
    channel.finishAndReleaseAll();
  }
}
