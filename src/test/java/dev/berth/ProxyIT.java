package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge proxy inside the real platform: hosts from apps, admin routes and the console. */
class ProxyIT {
  static TestPlatform berth;
  static HttpServer backend;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void boot() throws IOException {
    berth = TestPlatform.start();
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("backend saw "
                      + exchange.getRequestURI()
                      + " host="
                      + exchange.getRequestHeaders().getFirst("Host"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
  }

  @AfterAll
  static void shutdown() {
    backend.stop(0);
    berth.close();
  }

  /** A request to the proxy on 127.0.0.1 for {@code host} (the pom lets tests set Host). */
  static HttpResponse<String> viaProxy(String host, String path, String accept) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(berth.proxyUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Host", host)
            .header("Accept", accept)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void adminRoutesReachTheirBackend() throws Exception {
    var created =
        berth.post(
            "/api/v1/routes",
            "{\"host\":\"svc.localhost\",\"targets\":[\"127.0.0.1:"
                + backend.getAddress().getPort()
                + "\"]}");
    assertEquals(201, created.status(), created.body());
    var reply = viaProxy("svc.localhost", "/hello?x=1", "*/*");
    assertEquals(200, reply.statusCode());
    assertEquals("backend saw /hello?x=1 host=svc.localhost", reply.body());
    assertEquals("1.1 berth", reply.headers().firstValue("Via").orElse(""));
  }

  @Test
  void anAppWithNothingLiveSaysSo() throws Exception {
    assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"waiting\"}").status());
    HttpResponse<String> reply = null;
    for (int i = 0; i < 40; i++) { // the table follows app changes within about a second
      reply = viaProxy("waiting.localhost", "/", "application/json");
      if (reply.statusCode() == 503) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(503, reply.statusCode(), reply.body());
    assertTrue(reply.body().contains("urn:berth:problem:no-live-release"), reply.body());
    var app = berth.get("/api/v1/apps/waiting").object();
    assertEquals(berth.proxyUrl().replace("127.0.0.1", "waiting.localhost"), app.get("url"));
  }

  @Test
  void theConsoleAnswersOnItsHostAndUnderBerthPathsOfAppHosts() throws Exception {
    var health = viaProxy("berth.localhost", "/api/v1/health", "application/json");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"ok\""));
    assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"firstparty\"}").status());
    HttpResponse<String> underApp = null;
    for (int i = 0; i < 40; i++) {
      underApp = viaProxy("firstparty.localhost", "/_berth/nothing-here", "application/json");
      if (underApp.statusCode() == 404 && underApp.body().contains("no such endpoint")) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(
        underApp.body().contains("no such endpoint: GET /_berth/nothing-here"), underApp.body());
  }

  @Test
  void unknownHostsGetAClear404() throws Exception {
    var html = viaProxy("nobody.localhost", "/", "text/html");
    assertEquals(404, html.statusCode());
    assertTrue(html.body().contains("nobody.localhost"), html.body());
    var json = viaProxy("nobody.localhost", "/", "application/json");
    assertTrue(json.body().contains("urn:berth:problem:no-route"), json.body());
  }
}
