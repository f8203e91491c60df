package dev.berth.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a downstream connection that is idle between requests for longer than the keep-alive
 * timeout, or that started a request head and did not finish it within the header timeout (slow
 * clients holding connections open). Sits before the HTTP codec so it sees the first raw bytes.
 *
 * <pre>
 * awaiting ──first bytes──► reading head ──head decoded──► busy ──response done──► awaiting
 *    └ idle timeout: close      └ header timeout: close
 * </pre>
 */
final class ReadTimers extends ChannelInboundHandlerAdapter {
  private final long idleMillis;
  private final long headerMillis;
  private ChannelHandlerContext ctx;
  private boolean awaiting;
  private ScheduledFuture<?> timer;
  private boolean scanning = true;
  private boolean folded;
  private int last4;

  ReadTimers(Duration idle, Duration header) {
    this.idleMillis = idle.toMillis();
    this.headerMillis = header.toMillis();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    awaitHead();
    context.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (awaiting) {
      awaiting = false;
      arm(headerMillis);
    }
    if (scanning && msg instanceof io.netty.buffer.ByteBuf bytes) {
      scan(bytes);
    }
    context.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    cancel();
    context.fireChannelInactive();
  }

  /**
   * Netty's decoder joins obs-fold lines (a header line starting with space or tab) silently; a
   * backend may not, so the head's raw bytes are scanned for them until its blank line.
   */
  private void scan(io.netty.buffer.ByteBuf bytes) {
    for (int i = bytes.readerIndex(); i < bytes.writerIndex() && scanning; i++) {
      int b = bytes.getByte(i) & 0xff;
      if ((last4 & 0xff) == '\n' && (b == ' ' || b == '\t') && (last4 & 0xff00) != 0) {
        folded = true;
      }
      last4 = (last4 << 8) | b;
      if (last4 == 0x0d0a0d0a || (last4 & 0xffff) == 0x0a0a) {
        scanning = false;
      }
    }
  }

  /** True when the request head just decoded had a folded header line. */
  boolean folded() {
    return folded;
  }

  /** Between requests: the idle keep-alive timeout runs until the next byte. */
  void awaitHead() {
    awaiting = true;
    scanning = true;
    folded = false;
    last4 = 0;
    arm(idleMillis);
  }

  /** A complete head arrived: no read timer while the request is being served. */
  void headReceived() {
    awaiting = false;
    cancel();
  }

  private void arm(long millis) {
    cancel();
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  ctx.close();
                },
                millis,
                TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
