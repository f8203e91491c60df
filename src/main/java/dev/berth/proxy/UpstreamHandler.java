package dev.berth.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

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

    /** Raw bytes: only after a WebSocket upgrade removed the HTTP codec. */
    void onBytes(ByteBuf bytes);

    void onUpstreamClosed(Throwable cause);

    void onUpstreamWritable(boolean writable);

    void onUpstreamReadComplete();
  }

  final InetSocketAddress address;
  private Listener listener;
  private UpstreamPool pool;
  private ArrayDeque<Channel> stack;
  private long idleSince;
  private ChannelHandlerContext ctx;

  UpstreamHandler(InetSocketAddress address) {
    this.address = address;
  }

  static UpstreamHandler of(Channel channel) {
    return channel.pipeline().get(UpstreamHandler.class);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  void attach(Listener next) {
    this.listener = next;
  }

  void detach() {
    this.listener = null;
  }

  /** The connection now waits in {@code stack}; it tells the pool if the upstream closes it. */
  void enterPool(UpstreamPool owner, ArrayDeque<Channel> in, long nowMillis) {
    pool = owner;
    stack = in;
    idleSince = nowMillis;
  }

  void leavePool() {
    pool = null;
    stack = null;
  }

  long idleSince() {
    return idleSince;
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
    } else if (msg instanceof ByteBuf bytes) {
      current.onBytes(bytes);
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
    if (pool != null) {
      pool.closedWhileIdle(stack, ctx.channel());
      leavePool();
    }
    var current = listener;
    listener = null;
    if (current != null) {
      current.onUpstreamClosed(cause);
    }
  }
}
