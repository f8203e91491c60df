package dev.berth.proxy;

import dev.berth.core.Log;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 downstream: each stream becomes a child channel that carries one HTTP/1.1-shaped request
 * through the same guard and proxy handler as an HTTP/1.1 connection, so upstreams only ever speak
 * HTTP/1.1 and every rule (routing, smuggling checks, forwarded headers) applies once, in one
 * place.
 *
 * <pre>
 * connection: IdleStateHandler ─► Http2FrameCodec ─► Http2MultiplexHandler ─► IdleClose
 * stream:     ReadTimers ─► Http2StreamFrameToHttpObjectCodec ─► SecureRequests(h2)
 *               ─► RequestGuard ─► ProxyHandler (one request, then the stream ends)
 * </pre>
 *
 * <p>Netty validates HTTP/2 header blocks (uppercase names, connection-specific headers, pseudo
 * headers) and resets the offending stream; the connection and its other streams carry on.
 */
final class H2Streams extends ChannelInitializer<Http2StreamChannel> {
  private static final Log LOG = Log.of(H2Streams.class);

  /** Streams one client may have open at once; each holds at most one upstream connection. */
  static final int MAX_CONCURRENT_STREAMS = 128;

  private final DataPlane plane;

  private H2Streams(DataPlane plane) {
    this.plane = plane;
  }

  /** Adds the HTTP/2 connection handlers behind the TLS handler. */
  static void configure(ChannelPipeline pipeline, DataPlane plane) {
    var limits = plane.limits();
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                    .maxHeaderListSize(limits.maxHeaderBytes()))
            .validateHeaders(true)
            .build();
    pipeline.addLast(
        new IdleStateHandler(0, 0, limits.idleKeepAlive().toMillis(), TimeUnit.MILLISECONDS),
        codec,
        new Http2MultiplexHandler(new H2Streams(plane)),
        new IdleClose(codec));
  }

  @Override
  protected void initChannel(Http2StreamChannel ch) {
    var limits = plane.limits();
    ch.pipeline()
        .addLast(
            new ReadTimers(limits),
            new Http2StreamFrameToHttpObjectCodec(true),
            new SecureRequests(plane.metrics(), true),
            new RequestGuard(limits.maxHeaders(), plane.ids()),
            new ProxyHandler(plane, null, "https"));
  }

  /**
   * Closes an HTTP/2 connection that has had no traffic and no open stream for the keep-alive
   * timeout, and any connection whose transport fails.
   */
  private static final class IdleClose extends ChannelInboundHandlerAdapter {
    private final Http2FrameCodec codec;

    IdleClose(Http2FrameCodec codec) {
      this.codec = codec;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent) {
        if (codec.connection().numActiveStreams() == 0) {
          ctx.close();
        }
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug(
          "HTTP/2 connection failed",
          "client",
          ctx.channel().remoteAddress(),
          "error",
          cause.toString());
      ctx.close();
    }
  }
}
