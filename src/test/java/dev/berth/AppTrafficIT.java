package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Switching an app's traffic between instance sets through the real platform: nothing in flight is
 * dropped, old instances drain, a drain that times out closes what is left, and the switch survives
 * a restart. Two real upstream servers stand in for the old and new release.
 */
class AppTrafficIT {
  static TestPlatform berth;
  HttpServer a;
  HttpServer b;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  // Each test has its own old and new release, so one test's drain never sees another's requests.
  @BeforeEach
  void upstreams() throws IOException {
    a = upstream("A");
    b = upstream("B");
  }

  @AfterEach
  void stopUpstreams() {
    a.stop(0);
    b.stop(0);
  }

  /** Answers its name; {@code /slow?ms=N} answers after N milliseconds. */
  static HttpServer upstream(String name) throws IOException {
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          String query = exchange.getRequestURI().getQuery();
          if (query != null && query.startsWith("ms=")) {
            try {
              Thread.sleep(Long.parseLong(query.substring(3)));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body = name.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  static String at(HttpServer server) {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  static HttpResponse<String> viaProxy(HttpClient client, String app, String path)
      throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create(berth.proxyUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Host", app + ".localhost")
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static TestPlatform.Reply put(String app, String body) {
    return berth.send("PUT", "/api/v1/apps/" + app + "/instances", body, TestPlatform.ADMIN_TOKEN);
  }

  static TestPlatform.Reply switchTo(String app, HttpServer server, int drainSeconds) {
    var reply =
        put(
            app,
            "{\"instances\":[\""
                + at(server)
                + "\"],\"drain_timeout_seconds\":"
                + drainSeconds
                + "}");
    assertEquals(200, reply.status(), reply.body());
    return reply;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> drain(TestPlatform.Reply reply) {
    return (Map<String, Object>) reply.object().get("drain");
  }

  static void createApp(String name) {
    var created = berth.post("/api/v1/apps", "{\"name\":\"" + name + "\"}");
    assertEquals(201, created.status(), created.body());
  }

  @Test
  void aSwitchUnderLoadDropsNothing() throws Exception {
    createApp("flip");
    switchTo("flip", a, 10);
    var stop = new AtomicBoolean();
    var ok = new AtomicInteger();
    var failures = new CopyOnWriteArrayList<String>();
    var servedBy = new ConcurrentHashMap<String, AtomicInteger>();
    var load = Executors.newVirtualThreadPerTaskExecutor();
    for (int i = 0; i < 6; i++) {
      load.submit(
          () -> {
            var client = client(); // one keep-alive connection pool per worker
            while (!stop.get()) {
              try {
                var reply = viaProxy(client, "flip", "/");
                if (reply.statusCode() == 200) {
                  ok.incrementAndGet();
                  servedBy
                      .computeIfAbsent(reply.body(), k -> new AtomicInteger())
                      .incrementAndGet();
                } else {
                  failures.add(reply.statusCode() + " " + reply.body());
                }
              } catch (IOException | InterruptedException e) {
                failures.add(e.toString());
              }
            }
            return null;
          });
    }
    Thread.sleep(300);
    // A slow request to A, in flight across the switch to B: it must finish, and the drain wait.
    var slow = load.submit(() -> viaProxy(client(), "flip", "/slow?ms=1000"));
    Thread.sleep(150);
    var first = switchTo("flip", b, 10);
    assertEquals(true, drain(first).get("complete"), first.body());
    assertTrue(((Number) drain(first).get("millis")).longValue() >= 500, first.body());
    assertEquals(List.of(at(a)), drain(first).get("instances"));
    var slowReply = slow.get();
    assertEquals(200, slowReply.statusCode());
    assertEquals("A", slowReply.body());
    for (int i = 0; i < 6; i++) {
      Thread.sleep(100);
      var reply = switchTo("flip", i % 2 == 0 ? a : b, 10);
      assertEquals(true, drain(reply).get("complete"), reply.body());
    }
    Thread.sleep(200);
    stop.set(true);
    load.close();
    assertEquals(List.of(), failures);
    assertTrue(ok.get() > 50, "requests served: " + ok.get());
    assertTrue(servedBy.get("A").get() > 0 && servedBy.get("B").get() > 0, servedBy.toString());
  }

  @Test
  void aDrainThatTimesOutClosesTheLongRequest() throws Exception {
    createApp("sticky");
    switchTo("sticky", a, 10);
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    var slow = pool.submit(() -> viaProxy(client(), "sticky", "/slow?ms=15000"));
    Thread.sleep(300);
    long started = System.nanoTime();
    var reply = switchTo("sticky", b, 1);
    var drain = drain(reply);
    assertEquals(false, drain.get("complete"), reply.body());
    assertEquals(1L, drain.get("open_at_deadline"));
    assertEquals(true, drain.get("connections_closed"));
    int status;
    try {
      status = slow.get().statusCode();
    } catch (java.util.concurrent.ExecutionException e) {
      status = -1; // the connection was cut: also an end, not a hang
    }
    assertTrue(status != 200, "the long request was not cut: " + status);
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 8);
    assertEquals("B", viaProxy(client(), "sticky", "/").body());
    pool.close();
  }

  @Test
  void stopAndReadBack() throws Exception {
    createApp("paused");
    var none = berth.get("/api/v1/apps/paused/instances");
    assertEquals(200, none.status());
    assertEquals(List.of(), none.object().get("instances"));
    var first = switchTo("paused", a, 5);
    assertEquals(List.of(), drain(first).get("instances"));
    var read = berth.get("/api/v1/apps/paused/instances").object();
    assertEquals(List.of(at(a)), read.get("instances"));
    assertEquals("round_robin", read.get("balance"));
    assertEquals("A", viaProxy(client(), "paused", "/").body());
    var stopped = put("paused", "{\"instances\":[]}");
    assertEquals(200, stopped.status(), stopped.body());
    assertEquals(List.of(at(a)), drain(stopped).get("instances"));
    assertEquals(503, viaProxy(client(), "paused", "/").statusCode());
  }

  @Test
  void liveInstancesSurviveARestartAndGoWithTheApp() throws Exception {
    createApp("durable");
    switchTo("durable", b, 5);
    berth.restart();
    assertEquals("B", viaProxy(client(), "durable", "/").body());
    assertEquals(
        204, berth.send("DELETE", "/api/v1/apps/durable", null, TestPlatform.ADMIN_TOKEN).status());
    createApp("durable");
    assertEquals(List.of(), berth.get("/api/v1/apps/durable/instances").object().get("instances"));
    // App changes reach the table through the refresher's poll (within a second).
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && status != 503) {
      status = viaProxy(client(), "durable", "/").statusCode();
      Thread.sleep(50);
    }
    assertEquals(503, status);
  }

  @Test
  void hostileBodiesAreRefusedAndChangeNothing() {
    createApp("guarded");
    switchTo("guarded", a, 5);
    String big = "\"127.0.0.1:1\",".repeat(40);
    var cases =
        Map.ofEntries(
            Map.entry("{", "malformed-json"),
            Map.entry("[]", "malformed-json"),
            Map.entry("{}", "invalid-instances"),
            Map.entry("{\"instances\":\"127.0.0.1:1\"}", "invalid-instances"),
            Map.entry("{\"instances\":[1]}", "invalid-instances"),
            Map.entry("{\"instances\":[null]}", "invalid-instances"),
            Map.entry("{\"instances\":[\"nope\"]}", "invalid-instances"),
            Map.entry("{\"instances\":[\"127.0.0.1:99999\"]}", "invalid-instances"),
            Map.entry("{\"instances\":[\"127.0.0.1:1\",\"127.0.0.1:1\"]}", "invalid-instances"),
            Map.entry("{\"instances\":[" + big + "\"127.0.0.1:2\"]}", "invalid-instances"),
            Map.entry("{\"instances\":[],\"drain_timeout_seconds\":-1}", "invalid-instances"),
            Map.entry("{\"instances\":[],\"drain_timeout_seconds\":1e9}", "invalid-instances"),
            Map.entry("{\"instances\":[],\"drain_timeout_seconds\":\"5\"}", "invalid-instances"),
            Map.entry("{\"instances\":[],\"balance\":\"random\"}", "invalid-instances"),
            Map.entry("{\"instances\":[],\"" + "x".repeat(5000) + "\":1}", "invalid-instances"));
    cases.forEach(
        (body, type) -> {
          var reply = put("guarded", body);
          assertTrue(reply.status() == 400 || reply.status() == 422, body + " → " + reply.body());
          assertEquals("urn:berth:problem:" + type, reply.object().get("type"), body);
          assertTrue(reply.body().length() < 2000, "problem echoes too much: " + body);
        });
    assertEquals(
        List.of(at(a)), berth.get("/api/v1/apps/guarded/instances").object().get("instances"));
    for (String path : List.of("nope", "..%2Fguarded", "GUARDED", "guarded%00", "x".repeat(300))) {
      var reply = put(path, "{\"instances\":[]}");
      assertEquals(404, reply.status(), path + " → " + reply.body());
      assertFalse(reply.body().contains("Exception"), reply.body());
      assertEquals(404, berth.get("/api/v1/apps/" + path + "/instances").status(), path);
    }
    var anonymous =
        berth.send("PUT", "/api/v1/apps/guarded/instances", "{\"instances\":[]}", (String) null);
    assertEquals(401, anonymous.status());
    // 413, or a reset when the console closes while the client is still sending: both refuse.
    try {
      var oversized = put("guarded", "{\"instances\":[\"" + "a".repeat(2 << 20) + "\"]}");
      assertEquals(413, oversized.status());
    } catch (IllegalStateException reset) {
      assertTrue(reset.getCause() instanceof IOException, reset.toString());
    }
    assertEquals(
        List.of(at(a)), berth.get("/api/v1/apps/guarded/instances").object().get("instances"));
  }
}
