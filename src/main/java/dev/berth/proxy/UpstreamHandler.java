package dev.berth.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The last handler of an upstream connection: hands the response to the exchange that currently
 * owns the connection. A connection is owned by one exchange, or idle in the pool, never both.
 *
 * <pre>
 * upstream: HttpClientCodec ─► UpstreamHandler ─► Exchange (downstream writes)
 * </pre>
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  /** What the downstream side does with upstream events. */
  interface Listener {
    void onResponse(HttpResponse response);

    void onContent(HttpContent content);

    void onUpstreamClosed(Throwable cause);

    void onUpstreamWritable(boolean writable);

    void onUpstreamReadComplete();
  }

  final InetSocketAddress address;
  private Listener listener;
  private long generation;
  private boolean pooled;
  private Runnable onIdleClose;

  UpstreamHandler(InetSocketAddress address) {
    this.address = address;
  }

  static UpstreamHandler of(Channel channel) {
    return channel.pipeline().get(UpstreamHandler.class);
  }

  void attach(Listener next) {
    this.listener = next;
  }

  void detach() {
    this.listener = null;
  }

  long enterPool(Runnable onClose) {
    pooled = true;
    onIdleClose = onClose;
    return ++generation;
  }

  void leavePool() {
    pooled = false;
    onIdleClose = null;
  }

  boolean inPool(long expected) {
    return pooled && generation == expected;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    var current = listener;
    if (current == null) {
      // An idle connection must not speak: anything it sends is a protocol error.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse response && response.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse response) {
      current.onResponse(response);
    }
    if (msg instanceof HttpContent content) {
      current.onContent(content);
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamWritable(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed(null);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
    closed(cause);
  }

  private void closed(Throwable cause) {
    if (pooled && onIdleClose != null) {
      onIdleClose.run();
    }
    var current = listener;
    listener = null;
    if (current != null) {
      current.onUpstreamClosed(cause);
    }
  }
}
