package dev.berth.proxy;

import dev.berth.core.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * A WebSocket connection after the app answered 101: both HTTP codecs are gone and raw bytes flow
 * both ways, each side reading only while the other can take more (backpressure). When either side
 * closes, what was already relayed is flushed to the other, then it is closed too. Until then the
 * tunnel counts as in flight for its instance, so a drain waits for it and {@link
 * Balancer#closeActive} ends it.
 */
final class Tunnel implements UpstreamHandler.Listener {
  private final ProxyHandler owner;
  private final ChannelHandlerContext down;
  private final DataPlane plane;
  private final Channel upstream;
  private final HostPort instance;
  private long bytesOut;
  private boolean closed;

  Tunnel(
      ProxyHandler owner,
      ChannelHandlerContext down,
      DataPlane plane,
      Channel upstream,
      HostPort instance) {
    this.owner = owner;
    this.down = down;
    this.plane = plane;
    this.upstream = upstream;
    this.instance = instance;
  }

  /** Drops the upstream's HTTP codec; bytes it had already read come out as raw bytes. */
  void start() {
    if (upstream.pipeline().get(HttpClientCodec.class) != null) {
      upstream.pipeline().remove(HttpClientCodec.class);
    }
    upstream.config().setAutoRead(down.channel().isWritable());
    if (!upstream.isActive()) {
      upstreamClosed();
    }
  }

  void fromDownstream(Object msg) {
    if (closed || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    upstream.write(bytes, upstream.voidPromise());
    if (!upstream.isWritable()) {
      down.channel().config().setAutoRead(false);
    }
  }

  void downstreamReadComplete() {
    owner.timers().touch();
    upstream.flush();
  }

  void downstreamWritable(boolean writable) {
    if (!closed) {
      upstream.config().setAutoRead(writable);
    }
  }

  @Override
  public void onResponse(io.netty.handler.codec.http.HttpResponse response) {
    // Cannot happen once the codec is gone; an HTTP message here is ignored.
  }

  @Override
  public void onContent(HttpContent content) {
    // The empty end of the 101 response, decoded before the codec was removed.
    if (content.content().isReadable()) {
      onBytes(content.content().retain());
    }
    content.release();
  }

  @Override
  public void onBytes(ByteBuf bytes) {
    if (closed) {
      bytes.release();
      return;
    }
    bytesOut += bytes.readableBytes();
    down.write(bytes, down.voidPromise());
    if (!down.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    owner.timers().touch();
    down.flush();
  }

  @Override
  public void onUpstreamWritable(boolean writable) {
    if (!closed) {
      down.channel().config().setAutoRead(writable);
    }
  }

  @Override
  public void onUpstreamClosed(Throwable cause) {
    upstreamClosed();
  }

  private void upstreamClosed() {
    if (end()) {
      // Deliver what the app sent before it closed, then close the client.
      down.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  void downstreamClosed() {
    if (end()) {
      upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private boolean end() {
    if (closed) {
      return false;
    }
    closed = true;
    var handler = UpstreamHandler.of(upstream);
    if (handler != null) {
      handler.detach();
    }
    plane.balancer().finished(instance);
    owner.finished(101, bytesOut, instance);
    owner.tunnelDone();
    return true;
  }
}
