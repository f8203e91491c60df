package dev.berth.proxy;

import dev.berth.core.HostPort;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One downstream HTTP/1.1 connection: routes each request and either answers it here (404, 503,
 * redirects) or hands it to an {@link Exchange} that forwards it upstream. One request at a time: a
 * pipelined next request is held (and reading paused) until the current response is done.
 *
 * <pre>
 * IDLE ──head──► LOCAL (answered here, body dropped) ──request end──► IDLE
 *        └─────► PROXY (Exchange streams both ways) ──exchange done──► IDLE or closed
 * </pre>
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {
  static final String CHALLENGE_PATH = "/.well-known/acme-challenge/";

  private enum State {
    IDLE,
    LOCAL,
    PROXY
  }

  private final DataPlane plane;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private boolean requestOpen;
  private boolean localKeepAlive;
  private Exchange exchange;

  ProxyHandler(DataPlane plane) {
    this.plane = plane;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (state != State.IDLE && (!requestOpen || !held.isEmpty())) {
      held.add(msg);
      context.channel().config().setAutoRead(false);
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (msg instanceof HttpRequest request) {
      begin(request);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (!(msg instanceof HttpContent content)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (last) {
      requestOpen = false;
    }
    switch (state) {
      case PROXY -> exchange.onRequestContent(content);
      case LOCAL -> {
        content.release();
        if (last) {
          localEnded();
        }
      }
      case IDLE -> content.release();
    }
  }

  private void begin(HttpRequest request) {
    ctx.pipeline().get(ReadTimers.class).headReceived();
    requestOpen = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request) && !plane.draining().get();
    String requestId = HopHeaders.requestId(request.headers(), plane.ids());
    String host = request.headers().get(HttpHeaderNames.HOST);
    String name = hostName(host);
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String accept = request.headers().get(HttpHeaderNames.ACCEPT);
    // ACME HTTP-01 validation comes for any host, before it routes anywhere (RFC 8555 8.3).
    if (path.startsWith(CHALLENGE_PATH) && request.method().equals(HttpMethod.GET)) {
      answer(challenge(path.substring(CHALLENGE_PATH.length()), requestId, accept), keepAlive);
      return;
    }
    var route = plane.routes().current().match(name, path);
    if (route.isEmpty()) {
      answer(ErrorPages.page(ErrorPages.notFound(name), requestId, accept), keepAlive);
      return;
    }
    switch (route.get().target()) {
      case Target.Upstreams upstreams -> proxy(request, requestId, upstreams, keepAlive);
      case Target.Console console -> proxy(request, requestId, null, keepAlive);
      case Target.NoInstances none ->
          answer(ErrorPages.page(ErrorPages.noInstances(none.app()), requestId, accept), keepAlive);
      case Target.Redirect redirect -> answer(redirect(redirect, uri, requestId), keepAlive);
      case Target.Static files ->
          answer(
              ErrorPages.page(
                  ErrorPages.unavailable("static sites are not served by this proxy yet"),
                  requestId,
                  accept),
              keepAlive);
    }
  }

  private FullHttpResponse challenge(String token, String requestId, String accept) {
    var answer = plane.challenges().answer(token);
    if (answer.isEmpty()) {
      var unknown =
          dev.berth.core.Problem.of(
              "no-challenge", "Not found", 404, "no ACME challenge is pending for this token");
      return ErrorPages.page(unknown, requestId, accept);
    }
    var response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.copiedBuffer(answer.get(), StandardCharsets.US_ASCII));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set("X-Request-Id", requestId);
    return response;
  }

  private void proxy(
      HttpRequest request, String requestId, Target.Upstreams target, boolean keepAlive) {
    state = State.PROXY;
    plane.inFlight().incrementAndGet();
    String client = ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getHostString();
    HttpRequest outgoing = request;
    String host = request.headers().get(HttpHeaderNames.HOST);
    HopHeaders.strip(outgoing.headers());
    HopHeaders.forwarded(outgoing.headers(), client, host, requestId);
    outgoing.setProtocolVersion(HttpVersion.HTTP_1_1);
    exchange = new Exchange(this, ctx, plane, outgoing, requestId, target, keepAlive);
    exchange.start();
  }

  static String hostName(String host) {
    if (host.startsWith("[")) {
      return host.substring(0, host.indexOf(']') + 1);
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static FullHttpResponse redirect(Target.Redirect target, String uri, String requestId) {
    String location = target.location();
    if (location.endsWith("/")) {
      location = location + uri.substring(1);
    }
    var response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(target.status()));
    response.headers().set(HttpHeaderNames.LOCATION, location);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set("X-Request-Id", requestId);
    response.headers().set(HttpHeaderNames.VIA, "1.1 berth");
    return response;
  }

  private void answer(FullHttpResponse response, boolean keepAlive) {
    state = State.LOCAL;
    localKeepAlive = keepAlive;
    plane.count(response.status().code());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response);
  }

  private void localEnded() {
    ready(localKeepAlive);
  }

  /** Called by the exchange once its response is complete or it has given up. */
  void exchangeDone(boolean keepAlive) {
    exchange = null;
    plane.inFlight().decrementAndGet();
    ready(keepAlive && !plane.draining().get());
  }

  private void ready(boolean keepAlive) {
    state = State.IDLE;
    if (!keepAlive) {
      ctx.flush();
      ctx.close();
      return;
    }
    ctx.pipeline().get(ReadTimers.class).awaitHead();
    while (!held.isEmpty() && (state == State.IDLE || requestOpen)) {
      handle(held.poll());
    }
    if (held.isEmpty() && (state == State.IDLE || requestOpen)) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.flushUpstream();
    }
    context.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.downstreamWritable(context.channel().isWritable());
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.downstreamClosed();
      exchange = null;
      plane.inFlight().decrementAndGet();
    }
    held.forEach(ReferenceCountUtil::release);
    held.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.close();
  }

  static HostPort console(java.net.InetSocketAddress address) {
    return new HostPort(address.getHostString(), address.getPort());
  }
}
