package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a channel that is not plain TCP (TLS, an HTTP/2 stream) a large file goes out as bounded
 * HttpContent pieces, and the next request on the connection is answered after the whole file.
 */
class StaticChunksTest {
  @TempDir Path site;

  @Test
  void largeFilesGoOutInBoundedPiecesOnOtherChannels() throws Exception {
    byte[] big = new byte[300 * 1024 + 5];
    new Random(3).nextBytes(big);
    Files.write(site.resolve("data.bin"), big);
    Files.writeString(site.resolve("small.txt"), "small");
    var routes = new Routes();
    routes.replace(
        new RouteTable(List.of(new Route("s.test", "/", new Target.Static(site, false)))));
    var limits = ProxyLimits.DEFAULTS;
    var plane = TestPlanes.plane(routes, new InetSocketAddress("127.0.0.1", 9), null, limits);
    var channel = new EmbeddedChannel(new ReadTimers(limits), new ProxyHandler(plane));
    channel.writeInbound(request("/data.bin"), request("/small.txt"));
    channel.runPendingTasks();
    var head = assertInstanceOf(HttpResponse.class, channel.readOutbound());
    assertEquals(String.valueOf(big.length), head.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    var body = new ByteArrayOutputStream();
    Object next;
    int pieces = 0;
    while (!((next = channel.readOutbound()) instanceof LastHttpContent)) {
      var content = assertInstanceOf(HttpContent.class, next);
      assertTrue(content.content().readableBytes() <= StaticBodies.CHUNK);
      body.write(io.netty.buffer.ByteBufUtil.getBytes(content.content()));
      content.release();
      pieces++;
    }
    var last = (LastHttpContent) next;
    body.write(io.netty.buffer.ByteBufUtil.getBytes(last.content()));
    last.release();
    assertArrayEquals(big, body.toByteArray());
    assertTrue(pieces >= 4, "pieces " + pieces);
    channel.runPendingTasks();
    var small =
        assertInstanceOf(
            io.netty.handler.codec.http.FullHttpResponse.class, channel.readOutbound());
    assertEquals("small", small.content().toString(java.nio.charset.StandardCharsets.UTF_8));
    small.release();
    channel.finishAndReleaseAll();
  }

  private static DefaultFullHttpRequest request(String path) {
    var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    request.headers().set(HttpHeaderNames.HOST, "s.test");
    return request;
  }
}
