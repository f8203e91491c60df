package dev.berth.proxy;

import dev.berth.core.Problem;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Refuses request shapes that are malformed or can smuggle a second request past a backend, before
 * anything is routed or forwarded: a 400 (414, 431 for sizes) and a closed connection. What it
 * passes on is a request that every HTTP/1.1 parser reads the same way.
 *
 * <pre>
 * HttpServerCodec ─► RequestGuard ─► ProxyHandler
 *                      └─ bad: error page, close, drop everything after it
 * </pre>
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9-]{1,63})*\\.?"
              + "|\\[[0-9A-Fa-f:.]{2,45}\\])");
  private final int maxHeaders;
  private final Supplier<String> ids;
  private boolean rejected;

  RequestGuard(int maxHeaders, Supplier<String> ids) {
    this.maxHeaders = maxHeaders;
    this.ids = ids;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      Problem problem = check(request);
      if (problem != null) {
        rejected = true;
        ReferenceCountUtil.release(msg);
        String requestId = ids.get();
        var page =
            ErrorPages.page(problem, requestId, request.headers().get(HttpHeaderNames.ACCEPT));
        page.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.fireUserEventTriggered(
            new Rejected(request, problem.status(), page.content().readableBytes(), requestId));
        ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Tells the handlers behind the guard that the connection is being refused and closed, and with
   * what answer (for the access record).
   */
  record Rejected(HttpRequest request, int status, long bytesOut, String requestId) {}

  /** The reason to refuse {@code request}, or null when it may pass. */
  Problem check(HttpRequest request) {
    var result = request.decoderResult();
    if (result.isFailure()) {
      return decodeProblem(result.cause());
    }
    var headers = request.headers();
    if (headers.size() > maxHeaders) {
      return Problem.of(
          "too-many-headers",
          "Request header fields too large",
          431,
          "more than " + maxHeaders + " header fields");
    }
    var all = headers.iteratorCharSequence();
    while (all.hasNext()) {
      var header = all.next();
      if (hasControl(header.getKey()) || hasControl(header.getValue())) {
        return ErrorPages.badRequest("a header holds a control character");
      }
    }
    if (hasControl(request.uri()) || request.uri().indexOf(' ') >= 0) {
      return ErrorPages.badRequest("the request target holds a control character");
    }
    var framing = checkFraming(request);
    return framing != null ? framing : checkTarget(request);
  }

  private static Problem decodeProblem(Throwable cause) {
    if (cause instanceof ServerCodec.FoldedHeader) {
      return ErrorPages.badRequest("folded header lines (obs-fold) are not accepted");
    }
    if (cause instanceof TooLongHttpLineException) {
      return Problem.of("uri-too-long", "URI too long", 414, "the request line is too long");
    }
    if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      return Problem.of(
          "headers-too-large",
          "Request header fields too large",
          431,
          "the request headers are too large");
    }
    return ErrorPages.badRequest("the request is not valid HTTP/1.1");
  }

  private static Problem checkFraming(HttpRequest request) {
    var headers = request.headers();
    // Most requests have neither header: skip making empty lists for them.
    var lengths =
        headers.contains(HttpHeaderNames.CONTENT_LENGTH)
            ? headers.getAll(HttpHeaderNames.CONTENT_LENGTH)
            : java.util.List.<String>of();
    var encodings =
        headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
            ? headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)
            : java.util.List.<String>of();
    if (!lengths.isEmpty() && !encodings.isEmpty()) {
      return ErrorPages.badRequest("both Content-Length and Transfer-Encoding are set");
    }
    if (lengths.size() > 1 || (lengths.size() == 1 && !digits(lengths.get(0), 18))) {
      return ErrorPages.badRequest("Content-Length must be one decimal number");
    }
    if (encodings.size() > 1
        || (encodings.size() == 1 && !encodings.get(0).equalsIgnoreCase("chunked"))) {
      return ErrorPages.badRequest("Transfer-Encoding other than chunked is not accepted");
    }
    return null;
  }

  private static Problem checkTarget(HttpRequest request) {
    String host = onlyValue(request.headers(), HttpHeaderNames.HOST);
    if (host == null || !validHost(host)) {
      return ErrorPages.badRequest("a request needs exactly one valid Host header");
    }
    String uri = request.uri();
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int start = uri.indexOf("//") + 2;
      int end = uri.indexOf('/', start);
      String authority = end < 0 ? uri.substring(start) : uri.substring(start, end);
      if (!authority.equalsIgnoreCase(host)) {
        return ErrorPages.badRequest("the absolute request target names another host than Host");
      }
      request.setUri(end < 0 ? "/" : uri.substring(end));
    } else if (!uri.startsWith("/")) {
      return ErrorPages.badRequest("the request target must be a path");
    }
    return null;
  }

  /**
   * The value of a header that appears exactly once, else null. Every request asks this of Host:
   * walking the values spares the two lists {@code getAll} makes.
   */
  static String onlyValue(io.netty.handler.codec.http.HttpHeaders headers, CharSequence name) {
    var values = headers.valueStringIterator(name);
    if (!values.hasNext()) {
      return null;
    }
    String value = values.next();
    return values.hasNext() ? null : value;
  }

  /**
   * A Host header value: a DNS-style name or a bracketed IPv6 literal, then an optional port of at
   * most 65535. The pattern is tried only when the quick check of an ordinary name fails.
   */
  static boolean validHost(String host) {
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    String name = host;
    if (colon > bracket) {
      String port = host.substring(colon + 1);
      if (!digits(port, 5) || Integer.parseInt(port) > 65535) {
        return false;
      }
      name = host.substring(0, colon);
    }
    return plainName(name) || HOST.matcher(name).matches();
  }

  /** The common case without a regex: letters, digits, dashes and single dots. */
  private static boolean plainName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    int label = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        if (label == 0) {
          return false;
        }
        label = 0;
      } else if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || (c == '-' && label > 0)) {
        if (++label > 63) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean digits(String text, int max) {
    if (text.isEmpty() || text.length() > max) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean hasControl(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  static HttpResponseStatus statusOf(Problem problem) {
    return HttpResponseStatus.valueOf(problem.status());
  }
}
