package dev.berth.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * On the plain HTTP listener: a request for a host the {@link CertificateBook} covers gets a 308 to
 * the same path and query over HTTPS; other hosts, and ACME HTTP-01 challenges on any host, go on
 * to the proxy handler as before. No Strict-Transport-Security: that is the app's decision.
 *
 * <p>Responses leave in request order on a pipelined connection: while a request passed on is still
 * being answered behind this handler, a redirect due and every message after it wait here, and
 * reading pauses, until that response's last part has been written.
 *
 * <pre>
 * request ─ covered host, not a challenge ─► answered here (body dropped)
 *         └ otherwise ──────────────────────► ProxyHandler (one response counted out on its end)
 * </pre>
 */
final class HttpsRedirect extends ChannelDuplexHandler {
  static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

  private final CertificateBook book;
  private final IntSupplier httpsPort;
  private final DataPlane plane;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private int outstanding;
  private boolean finalHead;
  private boolean dropping;
  private boolean closing;
  private boolean drainScheduled;

  HttpsRedirect(CertificateBook book, IntSupplier httpsPort, DataPlane plane) {
    this.book = book;
    this.httpsPort = httpsPort;
    this.plane = plane;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (!queue.isEmpty()) {
      queue.add(msg);
    } else if (waits(msg)) {
      queue.add(msg);
      context.channel().config().setAutoRead(false);
    } else {
      route(msg);
    }
  }

  /** A redirect that must wait until the response in progress behind this handler is written. */
  private boolean waits(Object msg) {
    return outstanding > 0 && msg instanceof HttpRequest request && location(request) != null;
  }

  private void route(Object msg) {
    if (msg instanceof HttpRequest request) {
      SecureRequests.countPlain(plane.metrics());
      String location = location(request);
      if (location != null) {
        redirect(request, location);
        dropping = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
      dropping = false;
      outstanding++;
    } else if (dropping && msg instanceof HttpContent content) {
      dropping = !(content instanceof LastHttpContent);
      content.release();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** The HTTPS address for this request, or null when it stays on plain HTTP. */
  String location(HttpRequest request) {
    String host = request.headers().get(HttpHeaderNames.HOST);
    String uri = request.uri();
    if (host == null || !uri.startsWith("/") || uri.startsWith(CHALLENGE_PREFIX)) {
      return null;
    }
    String name = name(host);
    if (name.startsWith("[") || !book.covers(name)) {
      return null;
    }
    int port = httpsPort.getAsInt();
    return "https://" + name + (port == 443 ? "" : ":" + port) + uri;
  }

  private static String name(String host) {
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private void redirect(HttpRequest request, String location) {
    var timers = ctx.pipeline().get(ReadTimers.class);
    if (timers != null) {
      timers.busy();
    }
    // A client that asked for 100-continue may never send the body it announced: the connection
    // cannot be read safely after the redirect, so it ends (RFC 9110 10.1.1).
    boolean keepAlive =
        HttpUtil.isKeepAlive(request)
            && !HttpUtil.is100ContinueExpected(request)
            && !plane.draining().get();
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
    var headers = response.headers();
    headers.set(HttpHeaderNames.LOCATION, location);
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    String requestId = HopHeaders.requestId(request.headers(), plane.ids());
    headers.set("X-Request-Id", requestId);
    headers.set(HttpHeaderNames.VIA, "1.1 berth");
    plane.count(308);
    record(request, location, requestId);
    if (!keepAlive) {
      closing = true;
      headers.set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response);
    if (timers != null) {
      timers.awaitHead();
    }
  }

  /** The redirect is a finished request like any other: the access log keeps it. */
  private void record(HttpRequest request, String location, String requestId) {
    if (plane.access() == AccessSink.NONE) {
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String client =
        ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress address
                && address.getAddress() != null
            ? address.getAddress().getHostAddress()
            : "unknown";
    plane
        .access()
        .record(
            new AccessRecord(
                plane.clock().millis(),
                AccessRecord.hostName(request.headers().get(HttpHeaderNames.HOST)),
                request.method().name(),
                query < 0 ? uri : uri.substring(0, query),
                308,
                0,
                0,
                null,
                client,
                requestId));
  }

  @Override
  public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      finalHead = code >= 200 || code == 101;
    }
    if (finalHead && msg instanceof LastHttpContent) {
      finalHead = false;
      outstanding = Math.max(0, outstanding - 1);
      if (outstanding == 0 && !queue.isEmpty() && !drainScheduled) {
        // After the handler behind this one has finished its own bookkeeping for the response.
        drainScheduled = true;
        context.executor().execute(this::drain);
      }
    }
    context.write(msg, promise);
  }

  private void drain() {
    drainScheduled = false;
    boolean passedOn = false;
    while (!queue.isEmpty() && !closing && !waits(queue.peek())) {
      Object msg = queue.poll();
      passedOn |= msg instanceof HttpRequest request && location(request) == null;
      route(msg);
    }
    if (closing) {
      queue.forEach(ReferenceCountUtil::release);
      queue.clear();
    } else if (!queue.isEmpty()) {
      ctx.channel().config().setAutoRead(false);
    } else if (!passedOn) {
      // Nothing behind this handler is busy: resume reading (the proxy handler resumes it itself
      // once it answers a request passed on above).
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    queue.forEach(ReferenceCountUtil::release);
    queue.clear();
    context.fireChannelInactive();
  }
}
