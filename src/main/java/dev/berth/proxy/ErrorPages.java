package dev.berth.proxy;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The pages the proxy answers itself: short HTML for browsers, RFC 9457 problem JSON (with the
 * request id) when the client's Accept prefers JSON. Never a stack trace or an upstream address.
 */
final class ErrorPages {
  private ErrorPages() {}

  static FullHttpResponse page(Problem problem, String requestId, String accept) {
    boolean json = prefersJson(accept);
    String body = json ? Json.write(problem.body(requestId)) : html(problem, requestId);
    var bytes = body.getBytes(StandardCharsets.UTF_8);
    var response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(problem.status()),
            Unpooled.wrappedBuffer(bytes));
    var headers = response.headers();
    headers.set(
        HttpHeaderNames.CONTENT_TYPE,
        json ? "application/problem+json" : "text/html; charset=utf-8");
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    headers.set("X-Request-Id", requestId);
    headers.set(HttpHeaderNames.VIA, "1.1 berth");
    return response;
  }

  /**
   * JSON wins when the Accept header rates a JSON type above text/html (by q-value, RFC 9110
   * 12.5.1), or equally and listed first, or names no HTML at all. A type with q=0 is refused.
   */
  static boolean prefersJson(String accept) {
    if (accept == null) {
      return false;
    }
    double jsonQ = -1;
    double htmlQ = -1;
    int jsonAt = -1;
    int htmlAt = -1;
    int index = 0;
    for (String range : accept.split(",")) {
      int semicolon = range.indexOf(';');
      String type = (semicolon < 0 ? range : range.substring(0, semicolon)).trim();
      double q = semicolon < 0 ? 1 : quality(range.substring(semicolon + 1));
      if (type.regionMatches(true, type.length() - 4, "json", 0, 4) && q > jsonQ) {
        jsonQ = q;
        jsonAt = index;
      } else if (type.equalsIgnoreCase("text/html") && q > htmlQ) {
        htmlQ = q;
        htmlAt = index;
      }
      index++;
    }
    return jsonQ > 0 && (jsonQ > htmlQ || (jsonQ == htmlQ && jsonAt < htmlAt));
  }

  /** The q parameter of a media range's parameters (1 when absent, 0 when unreadable). */
  private static double quality(String parameters) {
    for (String parameter : parameters.split(";")) {
      String p = parameter.trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  private static String html(Problem problem, String requestId) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
        + problem.status()
        + " "
        + escape(problem.title())
        + "</title></head><body><h1>"
        + problem.status()
        + " "
        + escape(problem.title())
        + "</h1><p>"
        + escape(problem.detail())
        + "</p><p><small>request id "
        + escape(requestId)
        + " &middot; berth</small></p></body></html>\n";
  }

  private static String escape(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  static Problem notFound(String host) {
    return Problem.of("no-route", "Not found", 404, "no app or route answers at " + host);
  }

  static Problem badRequest(String detail) {
    return Problem.of("bad-request", "Bad request", 400, detail);
  }

  static Problem requestTimeout() {
    return Problem.of(
        "request-timeout", "Request timeout", 408, "the request body stopped arriving");
  }

  static Problem badGateway() {
    return Problem.of(
        "bad-gateway",
        "Bad gateway",
        502,
        "the app refused the connection or closed it before answering");
  }

  static Problem gatewayTimeout() {
    return Problem.of("gateway-timeout", "Gateway timeout", 504, "the app did not answer in time");
  }

  static Problem noInstances(String app) {
    return Problem.of(
        "no-live-release",
        "Service unavailable",
        503,
        "the app " + app + " has no live release yet; deploy it and try again");
  }

  static Problem unavailable(String detail) {
    return Problem.of("unavailable", "Service unavailable", 503, detail);
  }
}
