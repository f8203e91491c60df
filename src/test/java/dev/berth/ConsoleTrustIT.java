package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.berth.core.ProxyTrust;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console believes X-Forwarded-For only from Berth's own proxy. The client here connects from
 * 127.0.0.2, so the address the audit log records tells the socket peer (127.0.0.2 directly, the
 * proxy's 127.0.0.1 behind it) from the client the proxy vouched for.
 */
class ConsoleTrustIT {
  static TestPlatform berth;
  static HttpClient client;

  @BeforeAll
  static void boot() throws Exception {
    berth = TestPlatform.start();
    client =
        HttpClient.newBuilder()
            .localAddress(InetAddress.getByName("127.0.0.2"))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  /** Creates an app from 127.0.0.2 with {@code headers}; returns the address the audit recorded. */
  static String createdFrom(String base, String app, Map<String, String> headers) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/apps"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TestPlatform.ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + app + "\"}"));
    headers.forEach(request::header);
    var reply = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, reply.statusCode(), reply.body());
    @SuppressWarnings("unchecked")
    var entries =
        (List<Map<String, Object>>)
            berth.get("/api/v1/audit?action=app.create").object().get("entries");
    return entries.stream()
        .filter(
            e ->
                ("app:" + app).equals(e.get("target"))
                    || String.valueOf(e.get("target")).contains(app))
        .map(e -> (String) e.get("address"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aLocalClientSpoofingForwardedForIsRecordedAtItsRealAddress() throws Exception {
    assertEquals(
        "127.0.0.2",
        createdFrom(berth.url(), "spoof-direct", Map.of("X-Forwarded-For", "203.0.113.9")));
    assertEquals(
        "127.0.0.2",
        createdFrom(
            berth.url(),
            "spoof-secret",
            Map.of("X-Forwarded-For", "203.0.113.9", ProxyTrust.HEADER, "x".repeat(43))));
  }

  @Test
  void appsNeverSeeTheSecretNorACopyOfIt() throws Exception {
    var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
    var backend =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext(
        "/",
        exchange -> {
          seen.add(String.valueOf(exchange.getRequestHeaders().getFirst(ProxyTrust.HEADER)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    backend.start();
    try {
      String target = "127.0.0.1:" + backend.getAddress().getPort();
      assertEquals(
          201,
          berth
              .post(
                  "/api/v1/routes",
                  "{\"host\":\"echo.localhost\",\"targets\":[\"" + target + "\"]}")
              .status());
      var request =
          HttpRequest.newBuilder(URI.create(berth.proxyUrl() + "/"))
              .header("Host", "echo.localhost")
              .header(ProxyTrust.HEADER, berth.platform().proxyTrust().secret())
              .build();
      assertEquals(204, client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
      assertEquals(List.of("null"), seen);
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void throughTheProxyTheClientsAddressIsRecorded() throws Exception {
    var headers =
        Map.of(
            "Host",
            "berth.localhost",
            "X-Forwarded-For",
            "203.0.113.9",
            ProxyTrust.HEADER,
            "a guess that the proxy must strip, 0123456789");
    String recorded = createdFrom(berth.proxyUrl(), "via-proxy", headers);
    assertEquals("127.0.0.2", recorded);
    assertFalse(recorded.contains("203.0.113.9"));
  }
}
