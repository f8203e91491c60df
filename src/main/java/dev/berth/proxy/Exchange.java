package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One request forwarded upstream and its response streamed back, chunk by chunk, with backpressure
 * both ways: a side stops reading while the other side cannot take more writes.
 *
 * <pre>
 * connect (pooled or new; refused: eject, try another instance)
 *   ─► head sent (chunked bodies wait for a first valid chunk) ─► body relayed
 *   ─► response head ─► response body ─► last chunk: back to the pool when both sides keep alive
 * a pooled connection found closed before any answer, with no body byte sent: once more, fresh
 * 101 to a WebSocket upgrade ─► Tunnel
 * failures: before the response head → 400/408/502/504 page; after it → downstream closed
 * </pre>
 */
final class Exchange implements UpstreamHandler.Listener {
  private final ProxyHandler owner;
  private final ChannelHandlerContext down;
  private final DataPlane plane;
  private final HttpRequest request;
  private final String requestId;
  private final Target.Upstreams target;
  private final HostPort fixed;
  private final boolean keepAlive;
  private final boolean chunked;
  private final boolean upgrade;
  private HostPort first;
  private Set<HostPort> tried;
  private ArrayDeque<HttpContent> pending;
  private Channel upstream;
  private HostPort instance;
  private InetSocketAddress address;
  private boolean reused;
  private boolean retried;
  private boolean headSent;
  private boolean bodySent;
  private boolean lastSent;
  private boolean dirty;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean informational;
  private boolean upstreamKeepAlive;
  private boolean over;
  // Whether this request counts as in flight on {@code instance} (from its pick to its end).
  private boolean counted;
  private int status;
  private long bytesOut;

  Exchange(
      ProxyHandler owner,
      ChannelHandlerContext down,
      DataPlane plane,
      HttpRequest request,
      String requestId,
      Target.Upstreams target,
      HostPort fixed,
      boolean keepAlive,
      boolean upgrade) {
    this.owner = owner;
    this.down = down;
    this.plane = plane;
    this.request = request;
    this.requestId = requestId;
    this.target = target;
    this.fixed = fixed;
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.chunked = HttpUtil.isTransferEncodingChunked(request);
  }

  void start() {
    if (owner.timers().mode() == ReadTimers.Mode.BODY) {
      // Hold the body until the head can go: reading on would only queue it here.
      down.channel().config().setAutoRead(false);
    }
    connect();
  }

  private void connect() {
    instance =
        fixed != null
            ? fixed
            : plane
                .balancer()
                .pick(target, tried != null ? tried : first != null ? Set.of(first) : Set.of());
    if (instance == null) {
      fail(ErrorPages.badGateway());
      return;
    }
    // Counted from the pick, not from the connection: a drain that looks while this request is
    // still connecting must wait for it, or it would reach an instance reported as drained.
    plane.balancer().started(instance);
    counted = true;
    if (fixed == null && (tried != null || first != null)) {
      // A second try: only now is a set of tried instances worth making.
      if (tried == null) {
        tried = new HashSet<>(4);
        tried.add(first);
      }
      tried.add(instance);
    }
    if (first == null) {
      first = instance;
    }
    var lookup = plane.pool().address(instance);
    if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
      connect(lookup.join(), false);
      return;
    }
    lookup.whenComplete(
        (resolved, error) ->
            down.executor()
                .execute(
                    () -> {
                      if (over) {
                        return;
                      }
                      if (error != null || resolved.isUnresolved()) {
                        fail(ErrorPages.badGateway());
                      } else {
                        connect(resolved, false);
                      }
                    }));
  }

  private void connect(InetSocketAddress resolved, boolean fresh) {
    address = resolved;
    var loop = down.channel().eventLoop();
    Channel pooled = fresh ? null : plane.pool().take(loop, address);
    if (pooled != null) {
      attached(pooled, true);
      return;
    }
    var picked = instance;
    plane
        .pool()
        .connect(loop, address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    plane.balancer().opened(picked, f.channel());
                  }
                  if (over) {
                    f.channel().close();
                  } else if (f.isSuccess()) {
                    plane.balancer().recovered(instance);
                    attached(f.channel(), false);
                  } else {
                    connectFailed(f.cause());
                  }
                });
  }

  private void connectFailed(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      fail(ErrorPages.gatewayTimeout());
      return;
    }
    if (cause instanceof ConnectException && target != null) {
      plane.balancer().eject(instance);
      if (target.instances().size() > (tried == null ? 1 : tried.size())) {
        uncount();
        connect(); // nothing was sent yet, so another instance can take the request
        return;
      }
    }
    fail(ErrorPages.badGateway());
  }

  private void attached(Channel channel, boolean pooled) {
    upstream = channel;
    reused = pooled;
    UpstreamHandler.of(channel).attach(this);
    maybeSendHead();
  }

  private void maybeSendHead() {
    if (headSent
        || upstream == null
        || (chunked && (pending == null || pending.isEmpty()) && !requestDone)) {
      return;
    }
    headSent = true;
    upstream.write(request, upstream.voidPromise());
    if (pending != null) {
      HttpContent content;
      while ((content = pending.poll()) != null) {
        send(content);
      }
    }
    if (requestDone && !lastSent) {
      send(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    upstream.flush();
    dirty = false;
    if (requestDone) {
      owner.timers().awaitResponse();
    } else if (!down.channel().config().isAutoRead() && upstream.isWritable()) {
      down.channel().config().setAutoRead(true);
    }
  }

  private void send(HttpContent content) {
    if (content.content().isReadable()) {
      bodySent = true;
    }
    lastSent |= content instanceof LastHttpContent;
    upstream.write(content, upstream.voidPromise());
    dirty = true;
  }

  void onRequestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      abort(ErrorPages.badRequest("the request body is not valid HTTP/1.1 framing"));
      return;
    }
    if (over) {
      content.release();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    requestDone |= last;
    if (!headSent) {
      if (content == LastHttpContent.EMPTY_LAST_CONTENT) {
        maybeSendHead(); // no body: the head goes with an empty last chunk
        return;
      }
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(content);
      maybeSendHead();
      return;
    }
    send(content);
    if (last) {
      owner.timers().awaitResponse();
    } else if (!upstream.isWritable()) {
      down.channel().config().setAutoRead(false);
    }
  }

  void flushUpstream() {
    if (dirty && upstream != null && headSent) {
      dirty = false;
      upstream.flush();
    }
  }

  /** The upstream did not answer within the response limit. */
  void timedOut() {
    if (!over && !responseStarted) {
      fail(ErrorPages.gatewayTimeout());
    }
  }

  /** The client stopped sending its body: 408 when no answer started, else cut. */
  void bodyStalled() {
    abort(ErrorPages.requestTimeout());
  }

  @Override
  public void onResponse(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      informational = true; // 100 Continue and friends: relayed, the real response follows
      down.write(response, down.voidPromise());
      return;
    }
    responseStarted = true;
    status = code;
    if (requestDone) {
      owner.timers().busy();
    }
    if (code == 101 && upgrade) {
      switchToTunnel(response);
      return;
    }
    upstreamKeepAlive = HttpUtil.isKeepAlive(response) && code != 101;
    var headers = response.headers();
    HopHeaders.strip(headers);
    headers.add(HttpHeaderNames.VIA, "1.1 berth");
    boolean framed =
        HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
    if (!framed && code != 204 && code != 304) {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, "close");
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    plane.count(code);
    down.write(response, down.voidPromise());
  }

  private void switchToTunnel(HttpResponse response) {
    HopHeaders.stripForUpgrade(response.headers());
    response.headers().add(HttpHeaderNames.VIA, "1.1 berth");
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    plane.count(101);
    down.writeAndFlush(response, down.voidPromise());
    var channel = upstream;
    over = true; // the tunnel owns both connections and the in-flight count from here
    upstream = null;
    counted = false;
    var tunnel = new Tunnel(owner, down, plane, channel, instance);
    UpstreamHandler.of(channel).attach(tunnel);
    owner.becomeTunnel(tunnel);
    tunnel.start();
  }

  @Override
  public void onContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (informational) {
      informational = !last;
      content.release();
      return;
    }
    bytesOut += content.content().readableBytes();
    down.write(content, down.voidPromise());
    if (last) {
      down.flush();
      complete();
    } else if (!down.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
  }

  @Override
  public void onBytes(ByteBuf bytes) {
    ReferenceCountUtil.release(bytes); // an HTTP exchange never gets raw bytes
  }

  @Override
  public void onUpstreamReadComplete() {
    down.flush();
  }

  @Override
  public void onUpstreamWritable(boolean writable) {
    if (headSent && !requestDone && !over) {
      down.channel().config().setAutoRead(writable);
    }
  }

  void downstreamWritable(boolean writable) {
    if (upstream != null && !over) {
      upstream.config().setAutoRead(writable);
    }
  }

  @Override
  public void onUpstreamClosed(Throwable cause) {
    if (over) {
      return;
    }
    if (!responseStarted && reused && !retried && !bodySent) {
      // A kept-alive connection the app had already closed: nothing of the request was used.
      retried = true;
      detachUpstream();
      plane.balancer().started(instance); // still this instance's request
      counted = true;
      headSent = false;
      lastSent = false;
      connect(address, true); // the same instance, on a new connection

      return;
    }
    if (!responseStarted) {
      fail(ErrorPages.badGateway());
    } else {
      end();
      down.close(); // the client sees the response cut short, never a hang
    }
  }

  /** The response is complete: pool the upstream when both sides keep alive. */
  private void complete() {
    Channel channel = upstream;
    var address = this.address;
    boolean reusable = upstreamKeepAlive && requestDone;
    end();
    if (reusable) {
      plane.pool().release(channel, address);
    } else {
      channel.close();
    }
    owner.exchangeDone(keepAlive && requestDone);
  }

  private void fail(Problem problem) {
    var page = ErrorPages.page(problem, requestId, request.headers().get(HttpHeaderNames.ACCEPT));
    status = problem.status();
    bytesOut = page.content().readableBytes();
    Channel channel = upstream;
    end();
    if (channel != null) {
      channel.close();
    }
    boolean keep = keepAlive && requestDone;
    plane.count(problem.status());
    if (!keep) {
      page.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    down.writeAndFlush(page, down.voidPromise());
    owner.exchangeDone(keep);
  }

  private void abort(Problem problem) {
    if (over) {
      return;
    }
    if (!responseStarted) {
      fail(problem);
      return;
    }
    Channel channel = upstream;
    end();
    if (channel != null) {
      channel.close();
    }
    down.close();
  }

  void downstreamClosed() {
    Channel channel = upstream;
    end();
    if (channel != null) {
      channel.close();
    }
  }

  private void end() {
    if (over) {
      return;
    }
    over = true;
    if (pending != null) {
      pending.forEach(HttpContent::release);
      pending.clear();
    }
    detachUpstream();
    owner.finished(status != 0 ? status : 499, bytesOut, instance);
  }

  private void detachUpstream() {
    if (upstream != null) {
      var handler = UpstreamHandler.of(upstream);
      if (handler != null) {
        handler.detach();
      }
    }
    upstream = null;
    uncount();
  }

  private void uncount() {
    if (counted) {
      counted = false;
      plane.balancer().finished(instance);
    }
  }
}
