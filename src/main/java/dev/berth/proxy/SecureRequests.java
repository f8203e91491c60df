package dev.berth.proxy;

import dev.berth.core.Metrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/**
 * Counts requests that arrived over TLS by protocol and, for HTTP/2, shapes each stream's request
 * the way the HTTP/1.1 path expects: Host from {@code :authority} (Netty's conversion), none of
 * Netty's internal {@code x-http2-*} headers, and {@code Connection: close} so the proxy handler
 * serves one request and ends the stream; a whole request (headers that end the stream) is passed
 * on as a head and its last content, the shape HttpServerCodec gives.
 */
final class SecureRequests extends ChannelInboundHandlerAdapter {
  static final String REQUESTS = "berth_proxy_protocol_requests_total";
  private static final String HELP = "Requests received by the edge proxy, by protocol and scheme.";
  private static final String H1_LABELS = Metrics.labels("protocol", "http/1.1", "scheme", "https");
  private static final String H2_LABELS = Metrics.labels("protocol", "h2", "scheme", "https");
  private static final String PLAIN_LABELS =
      Metrics.labels("protocol", "http/1.1", "scheme", "http");

  private final Metrics metrics;
  private final boolean h2;

  SecureRequests(Metrics metrics, boolean h2) {
    this.metrics = metrics;
    this.h2 = h2;
  }

  static void countPlain(Metrics metrics) {
    metrics.inc(REQUESTS, HELP, PLAIN_LABELS, 1);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      metrics.inc(REQUESTS, HELP, h2 ? H2_LABELS : H1_LABELS, 1);
      if (h2) {
        shape(request.headers());
      }
      if (msg instanceof FullHttpRequest full) {
        // A stream whose headers ended it arrives whole; the proxy handler reads a head and then
        // its body, as from HttpServerCodec, so it gets them as two messages.
        var head =
            new DefaultHttpRequest(
                full.protocolVersion(), full.method(), full.uri(), full.headers());
        head.setDecoderResult(full.decoderResult());
        var last = new DefaultLastHttpContent(full.content());
        last.trailingHeaders().set(full.trailingHeaders());
        ctx.fireChannelRead(head);
        ctx.fireChannelRead(last);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  static void shape(HttpHeaders headers) {
    List<String> internal =
        headers.names().stream()
            .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("x-http2-"))
            .toList();
    internal.forEach(headers::remove);
    // A client may send both :authority and host; RFC 9113 8.3.1 says they then agree.
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1 && hosts.stream().allMatch(h -> h.equalsIgnoreCase(hosts.get(0)))) {
      headers.set(HttpHeaderNames.HOST, hosts.get(0));
    }
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
  }
}
