package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpsRedirectTest {
  static final CertificateBook book = new CertificateBook();

  @BeforeAll
  static void certificates() throws Exception {
    book.replaceAll(TlsFixture.certificates());
  }

  /** Stands in for the proxy handler: keeps what it is given and answers when told. */
  static final class Behind extends ChannelInboundHandlerAdapter {
    final List<String> got = new ArrayList<>();
    ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
      ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
      if (msg instanceof HttpRequest request) {
        got.add(request.uri());
      }
      ReferenceCountUtil.release(msg);
    }

    void answer(String body) {
      var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set("X-Body", body);
      ctx.writeAndFlush(response);
    }
  }

  private static DataPlane plane() {
    var limits = ProxyLimits.DEFAULTS;
    return TestPlanes.plane(
        new Routes(),
        null,
        new UpstreamPool(io.netty.channel.socket.nio.NioSocketChannel.class, limits),
        limits);
  }

  private static DefaultFullHttpRequest get(String host, String uri) {
    var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    request.headers().set("Host", host);
    return request;
  }

  @Test
  void buildsTheHttpsLocationOnlyForCoveredHostsAndNotForChallenges() {
    var redirect = new HttpsRedirect(book, () -> 8443, plane());
    assertEquals("https://app.test:8443/a?b=c", redirect.location(get("app.test:8080", "/a?b=c")));
    assertNull(redirect.location(get("plain.test", "/a")));
    assertNull(redirect.location(get("app.test", "/.well-known/acme-challenge/x")));
    assertNull(redirect.location(get("[::1]:8080", "/")));
    assertEquals(
        "https://app.test/",
        new HttpsRedirect(book, () -> 443, plane()).location(get("app.test", "/")));
  }

  @Test
  void aRedirectWaitsForTheResponseInProgressBehindIt() {
    var behind = new Behind();
    var channel = new EmbeddedChannel(new HttpsRedirect(book, () -> 8443, plane()), behind);
    channel.writeInbound(get("plain.test", "/one"));
    channel.writeInbound(get("app.test", "/two"));
    channel.writeInbound(get("plain.test", "/three"));
    assertEquals(List.of("/one"), behind.got);
    assertNull(channel.readOutbound(), "nothing may overtake the first response");
    assertFalse(channel.config().isAutoRead());
    behind.answer("one");
    channel.runPendingTasks();
    FullHttpResponse first = channel.readOutbound();
    FullHttpResponse second = channel.readOutbound();
    assertEquals("one", first.headers().get("X-Body"));
    assertEquals(308, second.status().code());
    assertEquals("https://app.test:8443/two", second.headers().get("Location"));
    assertEquals(List.of("/one", "/three"), behind.got);
    behind.answer("three");
    FullHttpResponse third = channel.readOutbound();
    assertEquals("three", third.headers().get("X-Body"));
    channel.writeInbound(get("app.test", "/four"));
    FullHttpResponse fourth = channel.readOutbound();
    assertEquals(308, fourth.status().code());
    assertTrue(channel.isOpen());
    channel.finishAndReleaseAll();
  }
}
