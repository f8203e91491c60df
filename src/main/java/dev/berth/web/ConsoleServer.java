package dev.berth.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.core.Metrics;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.core.ProxyTrust;
import dev.berth.core.StartupException;
import dev.berth.core.UnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The console's HTTP server: the JDK's {@code HttpServer} with one virtual thread per request.
 *
 * <pre>
 * request ─► request id ─► route match ─► access check ─► handler ─► response
 *                │ (404/405)       (401/403)      │ exceptions ─► problem+json
 *                └──────────── metrics + log line ◄┘
 * </pre>
 *
 * The socket is bound in the constructor, so a port in use fails the start before anything is
 * written to the data dir; {@link #start()} begins serving, {@link #stop()} stops accepting and
 * lets requests in flight finish for up to the grace period.
 */
public final class ConsoleServer implements Lifecycle {
  private static final Log LOG = Log.of(ConsoleServer.class);
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final double[] LATENCY_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final HttpServer server;
  private final Router router;
  private final Metrics metrics;
  private final Ids ids;
  private final int graceSeconds;
  private volatile Authenticator authenticator = Authenticator.NONE;
  private volatile ProxyTrust proxyTrust;
  private ExecutorService executor;

  public ConsoleServer(
      HostPort address, Router router, Metrics metrics, Ids ids, int graceSeconds) {
    this.router = router;
    this.metrics = metrics;
    this.ids = ids;
    this.graceSeconds = graceSeconds;
    try {
      this.server = HttpServer.create(address.socketAddress(), 128);
    } catch (BindException e) {
      throw new StartupException(
          "console address "
              + address
              + " is not available (in use, or not an address of this"
              + " machine); choose another with --console-addr");
    } catch (IOException e) {
      throw new StartupException("cannot listen on " + address + ": " + e.getMessage());
    }
    server.createContext("/", this::dispatch);
  }

  /** Set by Platform once the auth domain exists. */
  public void authenticator(Authenticator value) {
    this.authenticator = value;
  }

  /**
   * Set by Platform once the master key is read: from then on X-Forwarded-For/Proto count only on
   * requests that carry the proxy's secret. Until then (and without it) they never count.
   */
  public void trustProxy(ProxyTrust trust) {
    this.proxyTrust = trust;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void start() {
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.start();
  }

  @Override
  public void stop() {
    // A server that never started has nothing in flight: just free the port.
    server.stop(executor == null ? 0 : graceSeconds);
    if (executor != null) {
      executor.close();
    }
  }

  private void dispatch(HttpExchange exchange) {
    String incoming = exchange.getRequestHeaders().getFirst("X-Request-Id");
    String requestId =
        incoming != null && CLIENT_REQUEST_ID.matcher(incoming).matches() ? incoming : ids.next();
    ScopedValue.where(Log.REQUEST_ID, requestId).run(() -> handle(exchange, requestId));
  }

  private void handle(HttpExchange exchange, String requestId) {
    long started = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String routeLabel = "unmatched";
    Response response;
    try {
      switch (router.match(method, path)) {
        case Router.Match.Found(Router.Route route, var params) -> {
          routeLabel = route.pattern();
          var request =
              new Request(exchange, requestId, params, route.pattern(), authenticator, proxyTrust);
          response = invoke(route, request);
        }
        case Router.Match.WrongMethod(var allowed) ->
            response =
                Response.problem(
                        Problem.of(
                            "method-not-allowed",
                            "Method not allowed",
                            405,
                            method + " is not allowed here; use " + String.join(", ", allowed)),
                        requestId)
                    .header("Allow", String.join(", ", allowed));
        case Router.Match.Missing() ->
            response =
                Response.problem(
                    Problem.notFound("no such endpoint: " + method + " " + path), requestId);
      }
    } catch (RuntimeException e) {
      response = errorResponse(e, requestId);
    }
    write(exchange, response, requestId);
    record(method, routeLabel, response, started);
  }

  private Response invoke(Router.Route route, Request request) {
    try {
      var needed = route.access().role();
      if (needed.isPresent()) {
        var who = request.principal();
        if (who.isEmpty()) {
          return Response.problem(
                  Problem.unauthorized(
                      "send Authorization: Bearer <token>, or sign in to the dashboard"),
                  request.requestId())
              .header("WWW-Authenticate", "Bearer realm=\"berth\"");
        }
        if (!who.get().can(needed.get())) {
          return Response.problem(
              Problem.forbidden("this needs the " + needed.get().wire() + " role or higher"),
              request.requestId());
        }
      }
      return route.handler().handle(request);
    } catch (RuntimeException e) {
      return errorResponse(e, request.requestId());
    } catch (Exception e) {
      return errorResponse(new IllegalStateException(e), request.requestId());
    }
  }

  private Response errorResponse(RuntimeException e, String requestId) {
    if (e instanceof ProblemException p) {
      return Response.problem(p.problem(), requestId);
    }
    var mapped = router.mapError(e);
    if (mapped.isPresent()) {
      return Response.problem(mapped.get(), requestId);
    }
    if (e instanceof UnavailableException) {
      LOG.error("dependency unavailable", e);
      return Response.problem(
          Problem.of("unavailable", "Service unavailable", 503, e.getMessage() + "; try again"),
          requestId);
    }
    LOG.error("unhandled error", e);
    return Response.problem(
        Problem.of(
            "internal",
            "Internal error",
            500,
            "something went wrong on the server; quote the request id when reporting it"),
        requestId);
  }

  private static void write(HttpExchange exchange, Response response, String requestId) {
    var headers = exchange.getResponseHeaders();
    headers.set("X-Request-Id", requestId);
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    for (var header : response.headers()) {
      if (header.getKey().equals("Cache-Control")) {
        headers.set(header.getKey(), header.getValue());
      } else {
        headers.add(header.getKey(), header.getValue());
      }
    }
    boolean head = exchange.getRequestMethod().equals("HEAD");
    int status = response.status();
    try {
      if (response.stream() != null) {
        exchange.sendResponseHeaders(status, head ? -1 : 0);
        if (!head) {
          try (OutputStream out = exchange.getResponseBody()) {
            response.stream().write(out);
          }
        }
      } else {
        byte[] body = response.body();
        boolean empty = body == null || body.length == 0 || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, empty || head ? -1 : body.length);
        if (!empty && !head) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away", "error", e.getMessage());
    } finally {
      exchange.close();
    }
  }

  private void record(String method, String route, Response response, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    String status = Integer.toString(response.status());
    metrics.inc(
        "berth_http_requests_total",
        "Console HTTP requests by route and status.",
        Metrics.labels("method", method, "route", route, "status", status),
        1);
    metrics.observe(
        "berth_http_request_duration_seconds",
        "Console HTTP request latency by route.",
        LATENCY_BUCKETS,
        Metrics.labels("route", route),
        seconds);
    if (response.status() >= 500) {
      LOG.warn("request failed", "method", method, "route", route, "status", status);
    } else if (LOG.enabled(Log.Level.DEBUG)) {
      LOG.debug(
          "request",
          "method",
          method,
          "route",
          route,
          "status",
          status,
          "ms",
          (long) (seconds * 1000));
    }
  }
}
