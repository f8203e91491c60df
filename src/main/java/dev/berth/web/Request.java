package dev.berth.web;

import com.sun.net.httpserver.HttpExchange;
import dev.berth.core.Actor;
import dev.berth.core.Json;
import dev.berth.core.Principal;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.core.ProxyTrust;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One console request as handlers see it. */
public final class Request {
  /** The most of a too-large body read and dropped so the client gets its 413. */
  static final long MAX_DISCARD_BYTES = 4L << 20;

  /** The largest JSON body the API reads (413 beyond it). */
  public static final int MAX_JSON_BYTES = 1 << 20;

  private final HttpExchange exchange;
  private final String requestId;
  private final Map<String, String> params;
  private final String routePattern;
  private final Authenticator authenticator;
  private final boolean viaProxy;
  private Map<String, String> query;
  private Optional<Principal> principal;

  Request(
      HttpExchange exchange,
      String requestId,
      Map<String, String> params,
      String routePattern,
      Authenticator authenticator,
      ProxyTrust proxyTrust) {
    this.exchange = exchange;
    this.requestId = requestId;
    this.params = params;
    this.routePattern = routePattern;
    this.authenticator = authenticator;
    this.viaProxy =
        proxyTrust != null
            && proxyTrust.matches(exchange.getRequestHeaders().getFirst(ProxyTrust.HEADER));
  }

  public String method() {
    return exchange.getRequestMethod();
  }

  public String path() {
    return exchange.getRequestURI().getPath();
  }

  public String routePattern() {
    return routePattern;
  }

  public String requestId() {
    return requestId;
  }

  /** A path parameter such as {@code name} in {@code /api/v1/apps/{name}}. */
  public String param(String name) {
    String value = params.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route has no parameter " + name);
    }
    return value;
  }

  public Optional<String> query(String name) {
    if (query == null) {
      query = parseQuery(exchange.getRequestURI().getRawQuery());
    }
    return Optional.ofNullable(query.get(name));
  }

  static Map<String, String> parseQuery(String raw) {
    var out = new LinkedHashMap<String, String>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      try {
        out.putIfAbsent(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      } catch (IllegalArgumentException e) {
        throw new ProblemException(Problem.badRequest("the query string is malformed"));
      }
    }
    return out;
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  public List<String> headers(String name) {
    var values = exchange.getRequestHeaders().get(name);
    return values == null ? List.of() : List.copyOf(values);
  }

  public Optional<String> cookie(String name) {
    for (String header : headers("Cookie")) {
      for (String part : header.split(";")) {
        String[] kv = part.strip().split("=", 2);
        if (kv.length == 2 && kv[0].equals(name)) {
          return Optional.of(kv[1]);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The client's address. Behind Berth's own proxy (the request carries its secret, see {@link
   * ProxyTrust}) it is the last {@code X-Forwarded-For} hop, the one the proxy added; otherwise the
   * socket's peer, whatever headers a local process sent.
   */
  public String clientAddress() {
    InetAddress peer = exchange.getRemoteAddress().getAddress();
    if (viaProxy) {
      var forwarded = headers("X-Forwarded-For");
      if (!forwarded.isEmpty()) {
        String[] hops = forwarded.getLast().split(",");
        String last = hops[hops.length - 1].strip();
        if (!last.isEmpty() && last.length() <= 64) {
          return last;
        }
      }
    }
    return peer == null ? exchange.getRemoteAddress().getHostString() : peer.getHostAddress();
  }

  /** A process on this machine, not a client the proxy forwarded. */
  public boolean fromLoopback() {
    InetAddress peer = exchange.getRemoteAddress().getAddress();
    return peer != null && peer.isLoopbackAddress() && !viaProxy;
  }

  /** Whether the client reached Berth over HTTPS (the proxy says so; the console speaks HTTP). */
  public boolean secure() {
    return viaProxy && header("X-Forwarded-Proto").map("https"::equalsIgnoreCase).orElse(false);
  }

  /** The caller, authenticating on first use. */
  public Optional<Principal> principal() {
    if (principal == null) {
      principal = authenticator.authenticate(this);
    }
    return principal;
  }

  /** The caller on a route that requires one (the router has checked it). */
  public Principal user() {
    return principal().orElseThrow(() -> new ProblemException(Problem.unauthorized(null)));
  }

  /** Who to record in the audit log for this request. */
  public Actor actor() {
    var who = principal();
    return new Actor(
        who.map(Principal::userId).orElse(null),
        who.map(Principal::email).orElse("anonymous"),
        clientAddress(),
        requestId);
  }

  /** The raw body, for streaming routes. Callers bound what they read. */
  public InputStream body() {
    return exchange.getRequestBody();
  }

  /** The body as a JSON object; 400 when it is not one, 413 past {@link #MAX_JSON_BYTES}. */
  public JsonBody json() {
    Object value = parseJson(readBody(MAX_JSON_BYTES));
    if (!(value instanceof Map<?, ?> map)) {
      throw new ProblemException(Problem.malformedJson("the body must be a JSON object"));
    }
    @SuppressWarnings("unchecked")
    var object = (Map<String, Object>) map;
    return new JsonBody(object);
  }

  /** The body as any JSON value. */
  public Object jsonValue() {
    return parseJson(readBody(MAX_JSON_BYTES));
  }

  private static Object parseJson(byte[] bytes) {
    if (bytes.length == 0) {
      throw new ProblemException(Problem.malformedJson("the body is empty; send a JSON object"));
    }
    try {
      return Json.parse(bytes);
    } catch (Json.ParseException e) {
      throw new ProblemException(Problem.malformedJson(e.getMessage()));
    }
  }

  /** Reads the whole body, refusing with 413 beyond {@code limit} bytes. */
  public byte[] readBody(int limit) {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        long length = Long.parseLong(declared.strip());
        if (length > limit) {
          discard(length);
          throw tooLarge(limit);
        }
      } catch (NumberFormatException e) {
        throw new ProblemException(Problem.badRequest("Content-Length is not a number"));
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        drop(in, MAX_DISCARD_BYTES - bytes.length); // the rest, if it is not much, as above
        throw tooLarge(limit);
      }
      return bytes;
    } catch (IOException e) {
      throw new ProblemException(Problem.badRequest("the body could not be read"));
    }
  }

  /**
   * Reads and drops a too-large body of up to {@link #MAX_DISCARD_BYTES} before the 413: a client
   * still sending would otherwise see the connection reset instead of the answer. A larger body is
   * not waited for (the connection closes after the answer).
   */
  private void discard(long length) {
    if (length > MAX_DISCARD_BYTES) {
      return;
    }
    try (InputStream in = exchange.getRequestBody()) {
      drop(in, length);
    } catch (IOException e) {
      // the client stopped sending: the 413 goes out (or not) all the same
    }
  }

  private static void drop(InputStream in, long most) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long left = most;
    int n;
    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
      left -= n;
    }
  }

  private static ProblemException tooLarge(int limit) {
    return new ProblemException(
        Problem.of(
                "payload-too-large",
                "Payload too large",
                413,
                "the body is larger than " + (limit / 1024) + " KiB")
            .with("limit_bytes", limit));
  }
}
