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
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One downstream HTTP/1.1 connection: routes each request and either answers it here (404, 503,
 * redirects) or hands it to an {@link Exchange} that forwards it upstream. One request at a time: a
 * pipelined next request is held (and reading paused) until the current response is done. A
 * WebSocket upgrade that the app accepts turns the connection into a {@link Tunnel}.
 *
 * <pre>
 * IDLE ──head──► LOCAL (answered here, body dropped) ──request end──► IDLE
 *        └─────► PROXY (Exchange streams both ways) ──exchange done──► IDLE or closed
 *                  └─ 101 to a WebSocket upgrade ──► TUNNEL (raw bytes both ways) ──► closed
 * </pre>
 *
 * Every finished request is reported once to the access sink, with its status, the body bytes sent
 * downstream and its duration.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter implements ReadTimers.Expiry {
  static final String CHALLENGE_PATH = "/.well-known/acme-challenge/";

  private enum State {
    IDLE,
    LOCAL,
    PROXY,
    TUNNEL
  }

  private final DataPlane plane;
  private ReadTimers timers;
  private final HostPort consoleInstance;
  private final String scheme;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private boolean requestOpen;
  private boolean localKeepAlive;
  private boolean upgradable;
  private String client;
  private boolean localWriting;
  private Exchange exchange;
  private Tunnel tunnel;
  // The request being served, for its access record.
  private long startNanos;
  private long startMillis;
  private String method;
  private String hostHeader;
  private String path;
  private String requestId;
  private boolean recorded = true;

  /** {@code scheme}: "https" behind the TLS listener, for X-Forwarded-Proto. */
  ProxyHandler(DataPlane plane, ReadTimers timers, String scheme) {
    this.plane = plane;
    this.timers = timers;
    this.scheme = scheme;
    this.consoleInstance = console(plane.console());
  }

  ProxyHandler(DataPlane plane, ReadTimers timers) {
    this(plane, timers, "http");
  }

  /**
   * For pipelines built elsewhere (tests, HTTP/2 streams): uses the pipeline's ReadTimers, or, when
   * there is none, timers of its own for the body and upstream-response clocks.
   */
  ProxyHandler(DataPlane plane) {
    this(plane, null, "http");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    if (timers == null) {
      timers = context.pipeline().get(ReadTimers.class);
    }
    if (timers == null) {
      timers = new ReadTimers(plane.limits());
      timers.handlerAdded(context);
    }
    timers.expiry(this);
    // Only a plain HTTP/1.1 connection can become a tunnel (never an HTTP/2 stream).
    this.upgradable =
        context.pipeline().get(ServerCodec.class) != null
            || context.pipeline().get(HttpServerCodec.class) != null;
    this.client =
        context.channel().remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress() != null
                ? address.getAddress().getHostAddress()
                : address.getHostString()
            : "unknown";
  }

  ReadTimers timers() {
    return timers;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (state == State.TUNNEL) {
      tunnel.fromDownstream(msg);
      return;
    }
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
      case IDLE, TUNNEL -> content.release();
    }
  }

  private void begin(HttpRequest request) {
    boolean bodyFollows =
        HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    timers.headReceived(bodyFollows);
    requestOpen = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request) && !plane.draining().get();
    String requestId = HopHeaders.requestId(request.headers(), plane.ids());
    String host = request.headers().get(HttpHeaderNames.HOST);
    String name = hostName(host);
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    started(request, requestId, host, path);
    String accept = request.headers().get(HttpHeaderNames.ACCEPT);
    // ACME HTTP-01 validation comes for any host, before it routes anywhere (RFC 8555 8.3).
    // An answer published by another process (serve's, behind a `berth proxy`) is the console's.
    if (path.startsWith(CHALLENGE_PATH) && request.method().equals(HttpMethod.GET)) {
      String token = path.substring(CHALLENGE_PATH.length());
      var local = plane.challenges().answer(token);
      if (local.isEmpty()
          && plane.challenges().forwardsUnknown()
          && AcmeChallenges.isToken(token)) {
        proxy(request, requestId, null, keepAlive);
      } else {
        answer(challenge(local, requestId, accept), keepAlive);
      }
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
          served(
              StaticFiles.serve(
                  ctx, request, files, route.get().pathPrefix(), requestId, keepAlive),
              keepAlive);
    }
  }

  private void started(HttpRequest request, String id, String host, String requestPath) {
    recorded = false;
    startNanos = System.nanoTime();
    startMillis = plane.clock().millis();
    method = request.method().name();
    hostHeader = host;
    path = requestPath;
    requestId = id;
  }

  /** Reports the current request to the access sink, once. */
  void finished(int status, long bytesOut, HostPort upstream) {
    if (recorded) {
      return;
    }
    recorded = true;
    if (plane.access() == AccessSink.NONE) {
      return;
    }
    plane
        .access()
        .record(
            new AccessRecord(
                startMillis,
                AccessRecord.hostName(hostHeader),
                method,
                path,
                status,
                bytesOut,
                (System.nanoTime() - startNanos) / 1000,
                upstream == null ? null : upstream.host() + ":" + upstream.port(),
                client,
                requestId));
  }

  private static FullHttpResponse challenge(
      java.util.Optional<String> answer, String requestId, String accept) {
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
    HttpRequest outgoing = request;
    String host = request.headers().get(HttpHeaderNames.HOST);
    boolean upgrade = upgradable && HopHeaders.isWebSocketUpgrade(request);
    if (upgrade) {
      HopHeaders.stripForUpgrade(outgoing.headers());
    } else {
      HopHeaders.strip(outgoing.headers());
    }
    HopHeaders.forwarded(outgoing.headers(), client, host, requestId, scheme);
    // Only the proxy vouches for X-Forwarded-*: a client's copy of the secret header never passes.
    outgoing.headers().remove(dev.berth.core.ProxyTrust.HEADER);
    var trust = plane.consoleTrust().get();
    if (target == null && trust != null) {
      outgoing.headers().set(dev.berth.core.ProxyTrust.HEADER, trust.secret());
    }
    outgoing.setProtocolVersion(HttpVersion.HTTP_1_1);
    var instance = target == null ? consoleInstance : null;
    exchange =
        new Exchange(this, ctx, plane, outgoing, requestId, target, instance, keepAlive, upgrade);
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
    finished(response.status().code(), response.content().readableBytes(), null);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response, ctx.voidPromise());
  }

  /**
   * A static answer written by {@link StaticFiles}: the connection takes its next request only once
   * the request has ended and the file's last byte is written (so the idle timer never runs during
   * a long download).
   */
  private void served(StaticFiles.Served served, boolean keepAlive) {
    state = State.LOCAL;
    localKeepAlive = keepAlive;
    plane.count(served.status());
    finished(served.status(), served.bytesOut(), null);
    if (!served.done().isDone()) {
      localWriting = true;
      served
          .done()
          .addListener(
              f -> {
                localWriting = false;
                localKeepAlive &= f.isSuccess();
                if (state == State.LOCAL && !requestOpen) {
                  ready(localKeepAlive);
                }
              });
    }
  }

  private void localEnded() {
    if (!localWriting) {
      ready(localKeepAlive);
    }
  }

  /** Called by the exchange once its response is complete or it has given up. */
  void exchangeDone(boolean keepAlive) {
    exchange = null;
    plane.inFlight().decrementAndGet();
    ready(keepAlive && !plane.draining().get());
  }

  /** The app accepted a WebSocket upgrade: from now on this connection relays raw bytes. */
  void becomeTunnel(Tunnel next) {
    exchange = null;
    tunnel = next;
    state = State.TUNNEL;
    timers.tunnel();
    var codec = ctx.pipeline().get(ServerCodec.class);
    if (codec != null) {
      ctx.pipeline().remove(codec);
    } else if (ctx.pipeline().get(HttpServerCodec.class) != null) {
      ctx.pipeline().remove(HttpServerCodec.class);
    }
    while (!held.isEmpty()) {
      tunnel.fromDownstream(held.poll());
    }
    ctx.channel().config().setAutoRead(true);
  }

  /** The tunnel ended (either side closed); it closes this connection once its bytes are out. */
  void tunnelDone() {
    tunnel = null;
    plane.inFlight().decrementAndGet();
  }

  private void ready(boolean keepAlive) {
    state = State.IDLE;
    if (!keepAlive) {
      ctx.flush();
      ctx.close();
      return;
    }
    timers.awaitHead();
    while (!held.isEmpty() && (state == State.IDLE || requestOpen)) {
      handle(held.poll());
    }
    if (held.isEmpty()
        && (state == State.IDLE || requestOpen)
        && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.flushUpstream();
    } else if (tunnel != null) {
      tunnel.downstreamReadComplete();
    }
    context.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.downstreamWritable(context.channel().isWritable());
    } else if (tunnel != null) {
      tunnel.downstreamWritable(context.channel().isWritable());
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object event) {
    if (event instanceof RequestGuard.Rejected rejected) {
      var request = rejected.request();
      String uri = request.uri();
      int query = uri.indexOf('?');
      started(
          request,
          rejected.requestId(),
          request.headers().get(HttpHeaderNames.HOST),
          query < 0 ? uri : uri.substring(0, query));
      plane.count(rejected.status());
      finished(rejected.status(), rejected.bytesOut(), null);
    }
    context.fireUserEventTriggered(event);
  }

  @Override
  public void bodyStalled() {
    if (exchange != null) {
      exchange.bodyStalled();
    } else {
      ctx.close(); // a local answer was sent; the rest of its body is not worth waiting for
    }
  }

  @Override
  public void responseLate() {
    if (exchange != null) {
      exchange.timedOut();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    if (exchange != null) {
      exchange.downstreamClosed();
      exchange = null;
      plane.inFlight().decrementAndGet();
    }
    if (tunnel != null) {
      tunnel.downstreamClosed();
    }
    finished(499, 0, null); // the client went away before its answer was complete
    held.forEach(ReferenceCountUtil::release);
    held.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.close();
  }

  static HostPort console(InetSocketAddress address) {
    return new HostPort(address.getHostString(), address.getPort());
  }
}
