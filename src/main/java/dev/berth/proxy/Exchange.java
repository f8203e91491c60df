package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Problem;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request forwarded upstream and its response streamed back, chunk by chunk, with backpressure
 * both ways: a side stops reading while the other side cannot take more writes.
 *
 * <pre>
 * connect (pooled or new; refused: eject, try another instance)
 *   ─► head sent (chunked bodies wait for a first valid chunk) ─► body relayed
 *   ─► response head ─► response body ─► last chunk: back to the pool when both sides keep alive
 * failures: before the response head → 502/504 page; after it → downstream closed (reset)
 * </pre>
 */
final class Exchange implements UpstreamHandler.Listener {
  private final ProxyHandler owner;
  private final ChannelHandlerContext down;
  private final DataPlane plane;
  private final HttpRequest request;
  private final String requestId;
  private final Target.Upstreams target;
  private final boolean keepAlive;
  private final boolean chunked;
  private final String accept;
  private final Set<HostPort> tried = new HashSet<>();
  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private Channel upstream;
  private HostPort instance;
  private InetSocketAddress address;
  private ScheduledFuture<?> timeout;
  private boolean headSent;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean informational;
  private boolean upstreamKeepAlive;
  private boolean over;

  Exchange(
      ProxyHandler owner,
      ChannelHandlerContext down,
      DataPlane plane,
      HttpRequest request,
      String requestId,
      Target.Upstreams target,
      boolean keepAlive) {
    this.owner = owner;
    this.down = down;
    this.plane = plane;
    this.request = request;
    this.requestId = requestId;
    this.target = target;
    this.keepAlive = keepAlive;
    this.chunked = HttpUtil.isTransferEncodingChunked(request);
    this.accept = request.headers().get(HttpHeaderNames.ACCEPT);
  }

  void start() {
    down.channel().config().setAutoRead(false);
    connect();
  }

  private void connect() {
    instance =
        target == null
            ? ProxyHandler.console(plane.console())
            : plane.balancer().pick(target, tried);
    if (instance == null) {
      fail(ErrorPages.badGateway());
      return;
    }
    tried.add(instance);
    address = new InetSocketAddress(instance.host(), instance.port());
    var loop = down.channel().eventLoop();
    Channel pooled = plane.pool().take(loop, address);
    if (pooled != null) {
      attached(pooled);
      return;
    }
    plane
        .pool()
        .connect(loop, address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (over) {
                    f.channel().close();
                  } else if (f.isSuccess()) {
                    plane.balancer().recovered(instance);
                    attached(f.channel());
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
      if (target.instances().size() > tried.size()) {
        connect(); // nothing was sent yet, so another instance can take the request
        return;
      }
    }
    fail(ErrorPages.badGateway());
  }

  private void attached(Channel channel) {
    upstream = channel;
    UpstreamHandler.of(channel).attach(this);
    plane.balancer().started(instance);
    plane.balancer().track(instance, channel);
    maybeSendHead();
  }

  private void maybeSendHead() {
    if (headSent || upstream == null || (chunked && pending.isEmpty() && !requestDone)) {
      return;
    }
    headSent = true;
    upstream.write(request);
    HttpContent content;
    while ((content = pending.poll()) != null) {
      upstream.write(content);
    }
    upstream.flush();
    if (requestDone) {
      armTimeout();
    } else {
      down.channel().config().setAutoRead(upstream.isWritable());
    }
  }

  void onRequestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      abort(ErrorPages.badRequest("the request body is not valid HTTP/1.1 framing"));
      return;
    }
    boolean last = content instanceof LastHttpContent;
    requestDone |= last;
    if (!headSent) {
      pending.add(content);
      maybeSendHead();
      return;
    }
    upstream.write(content);
    if (last) {
      armTimeout();
    } else if (!upstream.isWritable()) {
      down.channel().config().setAutoRead(false);
    }
  }

  void flushUpstream() {
    if (upstream != null && headSent) {
      upstream.flush();
    }
  }

  private void armTimeout() {
    long millis = plane.limits().upstreamResponse().toMillis();
    timeout = down.executor().schedule(this::timedOut, millis, TimeUnit.MILLISECONDS);
  }

  private void timedOut() {
    if (!over && !responseStarted) {
      fail(ErrorPages.gatewayTimeout());
    }
  }

  @Override
  public void onResponse(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      informational = true; // 100 Continue and friends: relayed, the real response follows
      down.write(response);
      return;
    }
    cancelTimeout();
    responseStarted = true;
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
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
    response.setProtocolVersion(io.netty.handler.codec.http.HttpVersion.HTTP_1_1);
    plane.count(code);
    down.write(response);
  }

  @Override
  public void onContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (informational) {
      informational = !last;
      content.release();
      return;
    }
    down.write(content);
    if (last) {
      down.flush();
      complete();
    } else if (!down.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
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
    boolean reusable = upstreamKeepAlive && requestDone;
    end();
    if (reusable) {
      channel.config().setAutoRead(true);
      plane.pool().release(channel, address);
    } else {
      channel.close();
    }
    owner.exchangeDone(keepAlive && requestDone);
  }

  private void fail(Problem problem) {
    Channel channel = upstream;
    end();
    if (channel != null) {
      channel.close();
    }
    boolean keep = keepAlive && requestDone;
    var page = ErrorPages.page(problem, requestId, accept);
    plane.count(problem.status());
    if (!keep) {
      page.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    down.writeAndFlush(page);
    owner.exchangeDone(keep);
  }

  private void abort(Problem problem) {
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
    cancelTimeout();
    pending.forEach(HttpContent::release);
    pending.clear();
    if (upstream != null) {
      var handler = UpstreamHandler.of(upstream);
      if (handler != null) {
        handler.detach();
      }
      plane.balancer().finished(instance);
    }
    upstream = null;
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  static HttpResponseStatus status(Problem problem) {
    return HttpResponseStatus.valueOf(problem.status());
  }
}
