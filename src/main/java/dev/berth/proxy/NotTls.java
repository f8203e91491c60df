package dev.berth.proxy;

import dev.berth.core.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * The first handler on an HTTPS connection: a TLS connection starts with a handshake record (byte
 * 0x16). Anything else is refused here, before the SNI handler buffers it: plain HTTP sent to the
 * HTTPS port gets a short 400 that says so (what a user typing http:// with the wrong port needs to
 * read), other bytes a closed connection.
 */
final class NotTls extends ChannelInboundHandlerAdapter {
  private static final int HANDSHAKE_RECORD = 0x16;
  private static final byte[] PLAIN_HTTP =
      ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 43\r\nConnection: close\r\n\r\n"
              + "This port speaks HTTPS: use an https:// URL")
          .getBytes(StandardCharsets.US_ASCII);

  private final Metrics metrics;

  NotTls(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
      ctx.fireChannelRead(msg);
      return;
    }
    int first = bytes.getUnsignedByte(bytes.readerIndex());
    if (first == HANDSHAKE_RECORD) {
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    bytes.release();
    TlsPipeline.countHandshake(metrics, "not_tls");
    ctx.channel().config().setAutoRead(false);
    if (first >= 'A' && first <= 'Z') {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAIN_HTTP))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }
}
