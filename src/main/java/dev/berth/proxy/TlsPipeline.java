package dev.berth.proxy;

import dev.berth.core.Log;
import dev.berth.core.Metrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Promise;

/**
 * Sets up each connection to the HTTPS listener: the certificate is chosen by SNI from the {@link
 * CertificateBook} when the ClientHello arrives, then ALPN picks HTTP/2 or HTTP/1.1.
 *
 * <pre>
 * NotTls ─► SniHandler ─(certificate for the name, else close)─► SslHandler ─► Negotiated
 *   h2:       Http2FrameCodec ─► Http2MultiplexHandler ─► one {@link H2Streams} child per stream
 *   http/1.1: ReadTimers ─► ServerCodec ─► SecureRequests ─► RequestGuard ─► ProxyHandler
 * </pre>
 */
final class TlsPipeline extends ChannelInitializer<SocketChannel> {
  private static final Log LOG = Log.of(TlsPipeline.class);
  static final String HANDSHAKES = "berth_proxy_tls_handshakes_total";

  /** Generous for a ClientHello (post-quantum key shares included); bounds what SNI buffers. */
  private static final int MAX_CLIENT_HELLO = 64 * 1024;

  private final DataPlane plane;
  private final CertificateBook book;
  private final HttpDecoderConfig decoder;

  TlsPipeline(DataPlane plane, CertificateBook book, HttpDecoderConfig decoder) {
    this.plane = plane;
    this.book = book;
    this.decoder = decoder;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    plane.connections().add(ch);
    long timeout = plane.limits().headerRead().toMillis();
    ch.pipeline()
        .addLast(
            new NotTls(plane.metrics()),
            new SniHandler(mapping(book), MAX_CLIENT_HELLO, timeout) {
              @Override
              protected SslHandler newSslHandler(
                  SslContext context, io.netty.buffer.ByteBufAllocator a) {
                SslHandler handler = super.newSslHandler(context, a);
                handler.setHandshakeTimeoutMillis(timeout);
                return handler;
              }
            },
            new Negotiated());
  }

  /** The book as Netty's SNI lookup: a name without a certificate fails the handshake. */
  static AsyncMapping<String, SslContext> mapping(CertificateBook book) {
    return (String name, Promise<SslContext> promise) -> {
      SslContext context = book.context(name);
      return context != null
          ? promise.setSuccess(context)
          : promise.setFailure(new NoCertificate(name));
    };
  }

  /**
   * No certificate for the name the client asked for (or it sent none, or it did not speak TLS).
   */
  static final class NoCertificate extends Exception {
    NoCertificate(String name) {
      super(name == null ? "no server name" : "no certificate for " + name, null, false, false);
    }
  }

  static void countHandshake(Metrics metrics, String result) {
    metrics.inc(
        HANDSHAKES,
        "TLS handshakes on the proxy's HTTPS listener, by result.",
        Metrics.label("result", result),
        1);
  }

  /** Builds the rest of the pipeline for the protocol ALPN chose; counts handshakes. */
  private final class Negotiated extends ApplicationProtocolNegotiationHandler {
    private boolean counted;

    Negotiated() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      count("ok");
      var pipeline = ctx.pipeline();
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        H2Streams.configure(pipeline, plane);
        return;
      }
      var timers = new ReadTimers(plane.limits());
      pipeline.addLast(
          timers,
          new ServerCodec(decoder),
          new SecureRequests(plane.metrics(), false),
          new RequestGuard(plane.limits().maxHeaders(), plane.ids()),
          new ProxyHandler(plane, timers, "https"));
      // The connection was already active when the handshake ended: start the idle clock here.
      timers.awaitHead();
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      count(unknownName(cause) ? "unknown_name" : "failed");
      LOG.debug(
          "TLS handshake failed", "client", ctx.channel().remoteAddress(), "error", reason(cause));
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      count(unknownName(cause) ? "unknown_name" : "failed");
      LOG.debug(
          "TLS connection refused",
          "client",
          ctx.channel().remoteAddress(),
          "error",
          reason(cause));
      ctx.close();
    }

    private void count(String result) {
      if (!counted) {
        counted = true;
        countHandshake(plane.metrics(), result);
      }
    }
  }

  private static boolean unknownName(Throwable cause) {
    return cause instanceof DecoderException && cause.getCause() instanceof NoCertificate
        || cause instanceof NoCertificate;
  }

  private static String reason(Throwable cause) {
    Throwable root =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return String.valueOf(root.getMessage());
  }
}
