package dev.berth.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every clock of one downstream connection, on one reusable timer: a request only moves a deadline
 * (a field), and the timer, when it fires early, re-arms itself for what is left. Scheduling a
 * timer per request was a large share of the proxy's per-request cost.
 *
 * <pre>
 * IDLE ──first bytes──► HEAD ──head decoded──► BODY ──request end──► RESPONSE ──head──► NONE
 *  └ idle keep-alive:      └ header read:        └ no bytes for        └ upstream response:
 *    close                   close                 body read: 408        504 (via the owner)
 * TUNNEL (WebSocket): no bytes either way for the tunnel idle limit: close
 * </pre>
 *
 * Sits before the HTTP codec so it sees the first raw bytes, and stays when a WebSocket upgrade
 * removes the codec.
 */
final class ReadTimers extends ChannelInboundHandlerAdapter {
  /** What the owner does when a request's body stalls or its upstream answers too late. */
  interface Expiry {
    void bodyStalled();

    void responseLate();
  }

  enum Mode {
    IDLE,
    HEAD,
    BODY,
    RESPONSE,
    TUNNEL,
    NONE
  }

  private final ProxyLimits limits;
  private final Runnable check = this::check;
  private ChannelHandlerContext ctx;
  private Expiry expiry;
  private Mode mode = Mode.NONE;
  private long deadline;
  private long firesAt;
  private ScheduledFuture<?> timer;

  ReadTimers(ProxyLimits limits) {
    this.limits = limits;
  }

  void expiry(Expiry owner) {
    this.expiry = owner;
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
    switch (mode) {
      case IDLE -> set(Mode.HEAD, limits.headerRead().toNanos());
      case BODY -> deadline = System.nanoTime() + limits.bodyRead().toNanos();
      case TUNNEL -> touch();
      case HEAD, RESPONSE, NONE -> {}
    }
    context.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    mode = Mode.NONE;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    context.fireChannelInactive();
  }

  Mode mode() {
    return mode;
  }

  /** Between requests: the idle keep-alive timeout runs until the next byte. */
  void awaitHead() {
    set(Mode.IDLE, limits.idleKeepAlive().toNanos());
  }

  /** A complete head arrived; its body (if any) must keep coming. */
  void headReceived(boolean bodyFollows) {
    if (bodyFollows) {
      set(Mode.BODY, limits.bodyRead().toNanos());
    } else {
      mode = Mode.NONE;
    }
  }

  /** The whole request is read and forwarded: the upstream has this long to answer. */
  void awaitResponse() {
    set(Mode.RESPONSE, limits.upstreamResponse().toNanos());
  }

  /** The response head arrived, or the request was answered here. */
  void busy() {
    mode = Mode.NONE;
  }

  /** A WebSocket tunnel: closed after the tunnel idle limit without bytes either way. */
  void tunnel() {
    set(Mode.TUNNEL, limits.tunnelIdle().toNanos());
  }

  /** Bytes moved through the tunnel (called from the upstream side too). */
  void touch() {
    deadline = System.nanoTime() + limits.tunnelIdle().toNanos();
  }

  private void set(Mode next, long nanos) {
    mode = next;
    deadline = System.nanoTime() + nanos;
    if (timer == null || deadline < firesAt) {
      schedule();
    }
  }

  private void schedule() {
    if (timer != null) {
      timer.cancel(false);
    }
    firesAt = deadline;
    timer =
        ctx.executor()
            .schedule(check, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (mode == Mode.NONE || !ctx.channel().isActive()) {
      return;
    }
    if (deadline - System.nanoTime() > 0) {
      schedule();
      return;
    }
    if (mode == Mode.BODY && !ctx.channel().config().isAutoRead()) {
      // Reading is paused because the upstream is slow to take the body: not the client's fault.
      deadline = System.nanoTime() + limits.bodyRead().toNanos();
      schedule();
      return;
    }
    Mode expired = mode;
    mode = Mode.NONE;
    switch (expired) {
      case BODY -> expiry.bodyStalled();
      case RESPONSE -> expiry.responseLate();
      case IDLE, HEAD, TUNNEL, NONE -> ctx.close();
    }
  }
}
