package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import dev.berth.core.StartupException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy on port 0 in front of real JDK HTTP servers, spoken to over raw sockets. */
@Timeout(60)
class EdgeServerIT {
  private final Metrics metrics = new Metrics();
  private final Routes routes = new Routes();
  private final AtomicInteger backendRequests = new AtomicInteger();
  private final Map<String, String> seenHeaders = new ConcurrentHashMap<>();
  private final java.util.Set<Integer> backendPeers = ConcurrentHashMap.newKeySet();
  private HttpServer backend;
  private EdgeServer edge;

  @BeforeEach
  void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          backendRequests.incrementAndGet();
          backendPeers.add(exchange.getRemoteAddress().getPort());
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> seenHeaders.put(k.toLowerCase(), String.join(",", v)));
          String path = exchange.getRequestURI().getPath();
          if (path.startsWith("/upload")) {
            var digest = sha(exchange.getRequestBody());
            byte[] out = digest.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
          } else if (path.startsWith("/download")) {
            long size = Long.parseLong(exchange.getRequestURI().getQuery());
            exchange.sendResponseHeaders(200, size);
            writePattern(exchange.getResponseBody(), size);
          } else if (path.startsWith("/die")) {
            exchange.sendResponseHeaders(200, 1_000_000);
            exchange.getResponseBody().write(new byte[1000]);
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer(); // then the connection is cut mid-body
            exchange.close();
            return;
          } else {
            byte[] out = ("hello " + path).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
          }
          exchange.close();
        });
    backend.start();
    var limits = ProxyLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            routes,
            new InetSocketAddress("127.0.0.1", backend.getAddress().getPort()),
            metrics,
            new Ids(InstantSource.system(), new Random(1)),
            2,
            limits);
    edge.start();
    routes.replace(
        new RouteTable(
            List.of(
                new Route("app.test", "/", upstreams(backendPort())),
                new Route("console.test", "/", new Target.Console()),
                new Route("new.test", "/", new Target.NoInstances("new")),
                new Route("old.test", "/", new Target.Redirect("https://new.example/", 301)))));
  }

  @AfterEach
  void stop() {
    edge.stop();
    backend.stop(0);
  }

  private int backendPort() {
    return backend.getAddress().getPort();
  }

  private static Target.Upstreams upstreams(int... ports) {
    return new Target.Upstreams(
        java.util.Arrays.stream(ports).mapToObj(p -> new HostPort("127.0.0.1", p)).toList(),
        Target.Balance.ROUND_ROBIN);
  }

  @Test
  void portInUseFailsTheStartWithAClearMessage() {
    var port = edge.address().getPort();
    var e =
        assertThrows(
            StartupException.class,
            () ->
                new EdgeServer(
                    new HostPort("127.0.0.1", port),
                    routes,
                    edge.address(),
                    metrics,
                    new Ids(InstantSource.system(), new Random()),
                    1));
    assertTrue(e.getMessage().contains("is not available"), e.getMessage());
  }

  @Test
  void routesByHostAndReusesUpstreamConnections() throws Exception {
    try (var socket = connect()) {
      for (int i = 0; i < 20; i++) {
        send(
            socket,
            "GET /x" + i + " HTTP/1.1\r\nHost: app.test:8080\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n");
        var reply = Reply.read(socket.getInputStream());
        assertEquals(200, reply.status());
        assertEquals("hello /x" + i, reply.body());
        assertEquals("1.1 berth", reply.headers().get("via"));
      }
    }
    assertEquals(20, backendRequests.get());
    assertTrue(backendPeers.size() < 5, "backend saw " + backendPeers.size() + " connections");
    assertEquals("10.0.0.9, 127.0.0.1", seenHeaders.get("x-forwarded-for"));
    assertEquals("app.test:8080", seenHeaders.get("x-forwarded-host"));
    assertEquals("app.test:8080", seenHeaders.get("host"));
    assertEquals("http", seenHeaders.get("x-forwarded-proto"));
    assertTrue(seenHeaders.get("x-request-id").matches("[0-9a-z]{26}"));
    assertTrue(metrics.render().contains("berth_proxy_requests_total{status=\"2xx\"} 20"));
    assertTrue(metrics.render().contains("berth_proxy_upstream_connections"));
  }

  @Test
  void keepsASafeRequestIdAndDropsHopByHopHeaders() throws Exception {
    var reply =
        exchange(
            "GET / HTTP/1.1\r\nHost: app.test\r\nX-Request-Id: abc-123\r\n"
                + "Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nTE: trailers\r\n\r\n");
    assertEquals(200, reply.status());
    assertEquals("abc-123", seenHeaders.get("x-request-id"));
    assertFalse(seenHeaders.containsKey("x-secret"));
    assertFalse(seenHeaders.containsKey("te"));
    exchange("GET / HTTP/1.1\r\nHost: app.test\r\nX-Request-Id: <script>\r\n\r\n");
    assertTrue(seenHeaders.get("x-request-id").matches("[0-9a-z]{26}"));
  }

  @Test
  void answersErrorPagesInHtmlOrJson() throws Exception {
    var html = exchange("GET / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n");
    assertEquals(404, html.status());
    assertTrue(html.body().contains("no app or route answers at nowhere.test"));
    var json = exchange("GET / HTTP/1.1\r\nHost: nowhere.test\r\nAccept: application/json\r\n\r\n");
    assertEquals("application/problem+json", json.headers().get("content-type"));
    assertTrue(json.body().contains("\"type\":\"urn:berth:problem:no-route\""), json.body());
    assertTrue(json.body().contains("\"request_id\""));
    var none = exchange("GET / HTTP/1.1\r\nHost: new.test\r\n\r\n");
    assertEquals(503, none.status());
    assertTrue(none.body().contains("no live release"));
    var moved = exchange("GET /a?b=1 HTTP/1.1\r\nHost: old.test\r\n\r\n");
    assertEquals(301, moved.status());
    assertEquals("https://new.example/a?b=1", moved.headers().get("location"));
    assertEquals(200, exchange("GET / HTTP/1.1\r\nHost: console.test\r\n\r\n").status());
  }

  @Test
  void answers502WhenTheUpstreamRefusesAndEjectsIt() throws Exception {
    int dead = freePort();
    routes.replace(
        new RouteTable(
            List.of(
                new Route("app.test", "/", upstreams(dead, backendPort())),
                new Route("gone.test", "/", upstreams(dead)))));
    for (int i = 0; i < 10; i++) {
      assertEquals(200, exchange("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n").status());
    }
    var gone = exchange("GET / HTTP/1.1\r\nHost: gone.test\r\nAccept: application/json\r\n\r\n");
    assertEquals(502, gone.status());
    assertTrue(gone.body().contains("urn:berth:problem:bad-gateway"));
  }

  @Test
  void refusesSmugglingShapesWithoutForwarding() throws Exception {
    String[] bad = {
      "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: +3\r\n\r\nabc",
      "POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: app.test\r\nX-A: 1\r\n  folded\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: app test\r\n\r\n",
      "GET http://other.test/ HTTP/1.1\r\nHost: app.test\r\n\r\n",
      "GET /a\u0001b HTTP/1.1\r\nHost: app.test\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: app.test\r\nX-A: a\u0000b\r\n\r\n",
      "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: app.test\r\n\r\n",
    };
    for (String request : bad) {
      var reply = exchange(request);
      assertTrue(reply.status() >= 400 && reply.status() < 500, reply.status() + " for " + request);
    }
    assertEquals(0, backendRequests.get());
  }

  @Test
  void closesTheClientWhenTheUpstreamDiesMidResponse() throws Exception {
    try (var socket = connect()) {
      socket.setSoTimeout(5000);
      send(socket, "GET /die HTTP/1.1\r\nHost: app.test\r\n\r\n");
      var in = socket.getInputStream();
      long total = 0;
      try {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          total += n;
        }
      } catch (java.net.SocketException reset) {
        // a reset is as good as an EOF here
      }
      assertTrue(total < 1_000_000);
    }
  }

  @Test
  void streamsLargeBodiesBothWays() throws Exception {
    long size = 300L * 1024 * 1024;
    try (var socket = connect()) {
      socket.setSoTimeout(20_000);
      send(
          socket,
          "POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + size + "\r\n\r\n");
      var expected = MessageDigest.getInstance("SHA-256");
      var out = socket.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      for (long sent = 0; sent < size; sent += chunk.length) {
        fill(chunk, sent);
        out.write(chunk);
        expected.update(chunk);
      }
      out.flush();
      var reply = Reply.read(socket.getInputStream());
      assertEquals(200, reply.status());
      assertEquals(java.util.HexFormat.of().formatHex(expected.digest()), reply.body());
      send(socket, "GET /download?" + size + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
      var head = Reply.head(socket.getInputStream());
      assertEquals(String.valueOf(size), head.get("content-length"));
      var got = MessageDigest.getInstance("SHA-256");
      var in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long read = 0;
      while (read < size) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, size - read));
        got.update(buf, 0, n);
        read += n;
      }
      var want = MessageDigest.getInstance("SHA-256");
      for (long at = 0; at < size; at += chunk.length) {
        fill(chunk, at);
        want.update(chunk);
      }
      assertEquals(
          java.util.HexFormat.of().formatHex(want.digest()),
          java.util.HexFormat.of().formatHex(got.digest()));
    }
  }

  @Test
  void fuzzedRequestHeadsAreNeverForwardedNorAnswered5xx() throws Exception {
    backend.removeContext("/");
    backend.createContext(
        "/",
        exchange -> {
          backendRequests.incrementAndGet();
          System.err.println(
              "FORWARDED "
                  + exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().entrySet());
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    var random = new Random(42);
    String good = "GET /ok HTTP/1.1\r\nHost: app.test\r\nAccept: */*\r\nX-Note: fine\r\n\r\n";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int cases = 0;
    for (; cases < 2000 && System.nanoTime() < deadline; cases++) {
      byte[] request = Fuzz.malformed(good, random);
      try (var socket = connect()) {
        socket.setSoTimeout(3000);
        socket.getOutputStream().write(request);
        socket.shutdownOutput();
        byte[] answer = socket.getInputStream().readAllBytes();
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        assertFalse(
            text.matches("(?s)HTTP/1\\.1 5.*"),
            "5xx for " + new String(request, StandardCharsets.ISO_8859_1));
      } catch (java.net.SocketException reset) {
        // the server may close before reading everything: not an answer, not a forward
      }
    }
    assertTrue(cases > 200, "only " + cases + " cases ran");
    assertEquals(0, backendRequests.get(), "a malformed request reached the backend");
    assertEquals(200, exchange(good).status());
  }

  private static String sha(InputStream in) throws java.io.IOException {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        digest.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writePattern(OutputStream out, long size) throws java.io.IOException {
    byte[] chunk = new byte[64 * 1024];
    for (long at = 0; at < size; at += chunk.length) {
      fill(chunk, at);
      out.write(chunk, 0, (int) Math.min(chunk.length, size - at));
    }
  }

  private static void fill(byte[] chunk, long offset) {
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) ((offset + i) * 31 >>> 3);
    }
  }

  private static int freePort() throws Exception {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private Socket connect() throws Exception {
    var socket = new Socket("127.0.0.1", edge.address().getPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void send(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private Reply exchange(String request) throws Exception {
    try (var socket = connect()) {
      send(socket, request);
      return Reply.read(socket.getInputStream());
    }
  }

  record Reply(int status, Map<String, String> headers, String body) {
    static Map<String, String> head(InputStream in) throws Exception {
      var headers = new java.util.HashMap<String, String>();
      String status = line(in);
      headers.put(":status", status.split(" ")[1]);
      String line;
      while (!(line = line(in)).isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).trim());
      }
      return headers;
    }

    static Reply read(InputStream in) throws Exception {
      var headers = head(in);
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Reply(
          Integer.parseInt(headers.get(":status")),
          headers,
          new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws Exception {
      var out = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          out.write(c);
        }
      }
      if (c < 0 && out.size() == 0) {
        throw new java.io.EOFException("connection closed");
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
