package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.Route;
import dev.berth.proxy.Target;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Routes to folders ({@code "root"}) through the API and the proxy, on SQLite or PostgreSQL. */
class StaticSitesIT {
  static TestPlatform berth;
  static Path folder;
  static Path secret;

  @BeforeAll
  static void boot() throws Exception {
    berth = TestPlatform.start();
    Path temp = Files.createTempDirectory("berth-site-");
    folder = Files.createDirectories(temp.resolve("docs"));
    Files.writeString(folder.resolve("index.html"), "<h1>docs</h1>");
    Files.writeString(folder.resolve("style.css"), "h1{}");
    secret = Files.writeString(temp.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(folder.resolve("link.txt"), secret);
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply send(String method, String path, String body) {
    return berth.send(method, path, body, TestPlatform.ADMIN_TOKEN);
  }

  @Test
  void aFolderRouteIsStoredShownAndServed() throws Exception {
    var created =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"docs.example.com\",\"root\":\"" + folder + "\",\"spa\":true}");
    assertEquals(201, created.status(), created.body());
    var route = created.object();
    assertEquals(folder.toString(), route.get("root"));
    assertEquals(true, route.get("spa"));
    assertEquals(List.of(), route.get("targets"));
    var shown = send("GET", "/api/v1/routes/docs.example.com", null).object();
    @SuppressWarnings("unchecked")
    var routes = (List<Map<String, Object>>) shown.get("routes");
    assertEquals(folder.toString(), routes.getFirst().get("root"));
    assertEquals(
        Optional.of(new Target.Static(folder, true)),
        berth.platform().routes().current().match("docs.example.com", "/").map(Route::target));

    var home = raw("GET / HTTP/1.1\r\nHost: docs.example.com\r\nConnection: close\r\n\r\n");
    assertTrue(home.startsWith("HTTP/1.1 200"), home);
    assertTrue(home.endsWith("<h1>docs</h1>"), home);
    var deep =
        raw("GET /guide/intro HTTP/1.1\r\nHost: docs.example.com\r\nConnection: close\r\n\r\n");
    assertTrue(deep.endsWith("<h1>docs</h1>"), deep);
    var css = raw("GET /style.css HTTP/1.1\r\nHost: docs.example.com\r\nConnection: close\r\n\r\n");
    assertTrue(css.contains("content-type: text/css; charset=utf-8"), css);

    // Survives a restart: the table is rebuilt from the store.
    berth.restart();
    var again = raw("GET / HTTP/1.1\r\nHost: docs.example.com\r\nConnection: close\r\n\r\n");
    assertTrue(again.endsWith("<h1>docs</h1>"), again);
    assertEquals(204, send("DELETE", "/api/v1/routes/docs.example.com", null).status());
    var gone = raw("GET / HTTP/1.1\r\nHost: docs.example.com\r\nConnection: close\r\n\r\n");
    assertTrue(gone.startsWith("HTTP/1.1 404"), gone);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/link.txt",
        "/index.html%00",
        "/%c0%ae%c0%ae/secret.txt",
        "//..//secret.txt"
      })
  void pathTricksThroughTheProxyNeverLeaveTheFolder(String path) throws Exception {
    assertEquals(
        201,
        send(
                "POST",
                "/api/v1/routes",
                "{\"host\":\"tricks.example.com\",\"root\":\"" + folder + "\"}")
            .status());
    try {
      var reply =
          raw("GET " + path + " HTTP/1.1\r\nHost: tricks.example.com\r\nConnection: close\r\n\r\n");
      assertTrue(reply.startsWith("HTTP/1.1 400") || reply.startsWith("HTTP/1.1 404"), reply);
      assertFalse(reply.contains("top secret"), reply);
    } finally {
      send("DELETE", "/api/v1/routes/tricks.example.com", null);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"host\":\"x.example.com\",\"root\":\"relative/dir\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/no/such/dir/anywhere\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp/../etc\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp/\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp\\u0000x\"}",
        "{\"host\":\"x.example.com\",\"root\":\"\"}",
        "{\"host\":\"x.example.com\",\"root\":42}",
        "{\"host\":\"x.example.com\",\"root\":[\"/tmp\"]}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp\",\"spa\":\"yes\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp\",\"targets\":[\"127.0.0.1:1\"]}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp\",\"targets\":null}",
        "{\"host\":\"x.example.com\",\"targets\":[\"127.0.0.1:1\"],\"spa\":true}",
        "{\"host\":\"x.example.com\"}",
        "{\"host\":\"x.example.com\",\"root\":\"/tmp\\\\..\"}"
      })
  void refusesBadFolderRoutesAndWritesNothing(String body) {
    var reply = send("POST", "/api/v1/routes", body);
    assertProblem(reply, 422, "invalid-route");
    assertEquals(404, send("GET", "/api/v1/routes/x.example.com", null).status());
  }

  @Test
  void refusesAnOversizedRootAndAFileAsRoot() {
    String huge = "/" + "a".repeat(5000);
    assertProblem(
        send("POST", "/api/v1/routes", "{\"host\":\"x.example.com\",\"root\":\"" + huge + "\"}"),
        422,
        "invalid-route");
    assertProblem(
        send("POST", "/api/v1/routes", "{\"host\":\"x.example.com\",\"root\":\"" + secret + "\"}"),
        422,
        "invalid-route");
    assertProblem(
        send("POST", "/api/v1/routes", "{\"host\":\"x.example.com\",\"root\":"),
        400,
        "malformed-json");
  }

  @Test
  void neverServesBerthsOwnDataDir() throws Exception {
    var data = berth.dataDir().toRealPath();
    var inside = java.nio.file.Files.createDirectories(data.resolve("inside"));
    for (var root : List.of(data, inside, data.getParent())) {
      var reply =
          send("POST", "/api/v1/routes", "{\"host\":\"x.example.com\",\"root\":\"" + root + "\"}");
      assertProblem(reply, 422, "invalid-route");
      assertTrue(reply.body().contains("data dir"), reply.body());
      assertEquals(404, send("GET", "/api/v1/routes/x.example.com", null).status());
    }
  }

  @Test
  void onlyAdminsMayCreateFolderRoutes() {
    var anonymous =
        berth.send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"y.example.com\",\"root\":\"" + folder + "\"}",
            (String) null);
    assertEquals(401, anonymous.status());
  }

  static String raw(String request) throws Exception {
    try (var socket = new Socket("127.0.0.1", berth.platform().proxyAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      var out = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
