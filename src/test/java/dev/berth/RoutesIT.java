package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.proxy.Route;
import dev.berth.proxy.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/routes} and the live route table behind it, on SQLite or PostgreSQL. */
class RoutesIT {
  static TestPlatform berth;
  static final String TOKEN = TestPlatform.ADMIN_TOKEN;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply send(String method, String path, String body) {
    return berth.send(method, path, body, TOKEN);
  }

  static Optional<Target> live(String host, String path) {
    return berth.platform().routes().current().match(host, path).map(Route::target);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> routes(Map<String, Object> body) {
    return (List<Map<String, Object>>) body.get("routes");
  }

  @Test
  void createGetListDeleteAndTheLiveTableFollows() {
    var created =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"svc.example.com\",\"targets\":[\"127.0.0.1:9000\",\"[::1]:9001\"]}");
    assertEquals(201, created.status(), created.body());
    assertEquals("/api/v1/routes/svc.example.com", created.header("Location"));
    var route = created.object();
    assertEquals("svc.example.com", route.get("host"));
    assertEquals("/", route.get("path_prefix"));
    assertEquals(List.of("127.0.0.1:9000", "[::1]:9001"), route.get("targets"));
    assertEquals("round_robin", route.get("balance"));
    assertNotNull(route.get("created_at"));
    assertEquals(route.get("created_at"), route.get("updated_at"));
    // Served as soon as the API answered.
    assertEquals(
        Optional.of(
            new Target.Upstreams(
                List.of(new HostPort("127.0.0.1", 9000), new HostPort("::1", 9001)),
                Target.Balance.ROUND_ROBIN)),
        live("svc.example.com", "/anything"));

    var api =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"svc.example.com\",\"path_prefix\":\"/api\",\"targets\":[\"backend:3000\"],"
                + "\"balance\":\"least_in_flight\"}");
    assertEquals(201, api.status(), api.body());
    assertEquals(
        Optional.of(
            new Target.Upstreams(
                List.of(new HostPort("backend", 3000)), Target.Balance.LEAST_IN_FLIGHT)),
        live("svc.example.com", "/api/users"));

    var one = send("GET", "/api/v1/routes/svc.example.com", null).object();
    assertEquals("svc.example.com", one.get("host"));
    assertEquals(List.of(route, api.object()), routes(one));
    assertTrue(routes(send("GET", "/api/v1/routes", null).object()).containsAll(routes(one)));

    assertEquals(
        204, send("DELETE", "/api/v1/routes/svc.example.com?path_prefix=/api", null).status());
    assertEquals(
        List.of(route), routes(send("GET", "/api/v1/routes/svc.example.com", null).object()));
    assertTrue(
        live("svc.example.com", "/api/users").orElseThrow() instanceof Target.Upstreams u
            && u.balance() == Target.Balance.ROUND_ROBIN);

    assertEquals(204, send("DELETE", "/api/v1/routes/svc.example.com", null).status());
    assertTrue(live("svc.example.com", "/").isEmpty(), "gone from the table at once");
    assertProblem(send("GET", "/api/v1/routes/svc.example.com", null), 404, "route-not-found");
    assertProblem(send("DELETE", "/api/v1/routes/svc.example.com", null), 404, "route-not-found");
  }

  @Test
  void listIsSortedByHostThenPrefix() {
    for (String[] r :
        List.of(
            new String[] {"sort-b.example.com", "/"},
            new String[] {"sort-a.example.com", "/z"},
            new String[] {"sort-a.example.com", "/"},
            new String[] {"sort-a-z.example.com", "/"},
            new String[] {"sort-a.example.com", "/a"})) {
      var reply =
          send(
              "POST",
              "/api/v1/routes",
              "{\"host\":\""
                  + r[0]
                  + "\",\"path_prefix\":\""
                  + r[1]
                  + "\",\"targets\":[\"10.0.0.1:80\"]}");
      assertEquals(201, reply.status(), reply.body());
    }
    var keys =
        routes(send("GET", "/api/v1/routes", null).object()).stream()
            .filter(r -> ((String) r.get("host")).startsWith("sort-"))
            .map(r -> r.get("host") + r.get("path_prefix").toString())
            .toList();
    assertEquals(
        List.of(
            "sort-a-z.example.com/",
            "sort-a.example.com/",
            "sort-a.example.com/a",
            "sort-a.example.com/z",
            "sort-b.example.com/"),
        keys);
  }

  @Test
  void aNewAppIsRoutedWithinASecond() throws Exception {
    assertTrue(live("hello.localhost", "/").isEmpty());
    assertEquals(201, send("POST", "/api/v1/apps", "{\"name\":\"hello\"}").status());
    long deadline = System.nanoTime() + 1_500_000_000L;
    while (live("hello.localhost", "/").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(Optional.of(new Target.NoInstances("hello")), live("hello.localhost", "/"));
    assertEquals(Optional.of(new Target.Console()), live("hello.localhost", "/_berth/e"));
    assertEquals(Optional.of(new Target.Console()), live("berth.localhost", "/"));
    // Its host is Berth's now.
    assertProblem(
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"hello.localhost\",\"targets\":[\"10.0.0.1:80\"]}"),
        409,
        "host-taken");

    assertEquals(204, send("DELETE", "/api/v1/apps/hello", null).status());
    deadline = System.nanoTime() + 1_500_000_000L;
    while (live("hello.localhost", "/").isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(live("hello.localhost", "/").isEmpty(), "a deleted app is no longer routed");
  }

  @Test
  void berthsOwnHostsAreTaken() {
    for (String host : List.of("berth.localhost", "*.localhost")) {
      var reply =
          send(
              "POST",
              "/api/v1/routes",
              "{\"host\":\"" + host + "\",\"targets\":[\"10.0.0.1:80\"]}");
      assertEquals(host.startsWith("*") ? 422 : 409, reply.status(), host + " " + reply.body());
    }
    assertTrue(
        routes(send("GET", "/api/v1/routes", null).object()).stream()
            .noneMatch(r -> ((String) r.get("host")).endsWith("localhost")));
  }

  @Test
  void duplicateIs409AndLeavesTheFirst() {
    String body = "{\"host\":\"dup.example.com\",\"targets\":[\"10.0.0.1:80\"]}";
    assertEquals(201, send("POST", "/api/v1/routes", body).status());
    var again =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"dup.example.com\",\"targets\":[\"10.0.0.2:80\"]}");
    assertProblem(again, 409, "route-exists");
    var kept = routes(send("GET", "/api/v1/routes/dup.example.com", null).object());
    assertEquals(List.of("10.0.0.1:80"), kept.getFirst().get("targets"));
    // Another prefix of the same host is another route.
    assertEquals(
        201,
        send(
                "POST",
                "/api/v1/routes",
                "{\"host\":\"dup.example.com\",\"path_prefix\":\"/x\",\"targets\":[\"10.0.0.1:80\"]}")
            .status());
  }

  @Test
  void concurrentCreatesOfOneRouteMakeOne() throws Exception {
    String body = "{\"host\":\"racy.example.com\",\"targets\":[\"10.0.0.1:80\"]}";
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var replies = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
      for (int i = 0; i < 8; i++) {
        replies.add(pool.submit(() -> send("POST", "/api/v1/routes", body).status()));
      }
      var statuses = new java.util.ArrayList<Integer>();
      for (var reply : replies) {
        statuses.add(reply.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }
    assertEquals(1, routes(send("GET", "/api/v1/routes/racy.example.com", null).object()).size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"host\":\"Svc.example.com\",\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":\"svc.example.com:80\",\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":\"10.0.0.1\",\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":\"a.*.example.com\",\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":\"\",\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":null,\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":42,\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":[\"a.example.com\"],\"targets\":[\"10.0.0.1:80\"]}",
        "{\"targets\":[\"10.0.0.1:80\"]}",
        "{\"host\":\"bad.example.com\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[]}",
        "{\"host\":\"bad.example.com\",\"targets\":\"10.0.0.1:80\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[80]}",
        "{\"host\":\"bad.example.com\",\"targets\":[null]}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1\"]}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:0\"]}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"http://10.0.0.1:80\"]}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"path_prefix\":\"api\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"path_prefix\":\"/../x\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"path_prefix\":\"/a?b\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"path_prefix\":\"/a\\r\\nX: y\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"path_prefix\":7}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"balance\":\"random\"}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"balance\":true}",
        "{\"host\":\"bad.example.com\",\"targets\":[\"10.0.0.1:80\"],\"weight\":3}",
      })
  void invalidRoutesAre422AndWriteNothing(String body) {
    var reply = send("POST", "/api/v1/routes", body);
    assertProblem(reply, 422, "invalid-route");
    assertNotNull(reply.object().get("field"), reply.body());
    assertTrue(
        routes(send("GET", "/api/v1/routes", null).object()).stream()
            .noneMatch(r -> r.get("host").equals("bad.example.com")));
  }

  @Test
  void problemsNameTheField() {
    var reply = send("POST", "/api/v1/routes", "{\"host\":\"x.example.com\",\"targets\":[\"a\"]}");
    assertEquals("targets", reply.object().get("field"));
    reply =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"x.example.com\",\"targets\":[\"a:1\"],\"extra\":1}");
    assertEquals("extra", reply.object().get("field"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[]", "\"x\"", "null", "{\"host\":}", "{\"host\":\"a\",}"})
  void malformedJsonIs400(String body) {
    var reply = send("POST", "/api/v1/routes", body);
    assertProblem(reply, 400, "malformed-json");
  }

  @Test
  void oversizedBodiesAndValues() {
    var huge = send("POST", "/api/v1/routes", "{\"host\":\"" + "a".repeat(1 << 20) + "\"}");
    assertProblem(huge, 413, "payload-too-large");
    var longHost =
        send(
            "POST",
            "/api/v1/routes",
            "{\"host\":\"" + "a".repeat(100_000) + ".com\",\"targets\":[\"10.0.0.1:80\"]}");
    assertProblem(longHost, 422, "invalid-route");
    assertTrue(longHost.body().length() < 2_000, "the answer does not echo the whole value");
    var many = new StringBuilder("[");
    for (int i = 1; i <= 33; i++) {
      many.append(i > 1 ? "," : "").append("\"10.0.0.1:").append(i).append('"');
    }
    many.append(']');
    assertProblem(
        send("POST", "/api/v1/routes", "{\"host\":\"many.example.com\",\"targets\":" + many + "}"),
        422,
        "invalid-route");
  }

  @Test
  void unknownHostsAndPathTricksAre404() {
    for (String path :
        List.of(
            "/api/v1/routes/nope.example.com",
            "/api/v1/routes/..",
            "/api/v1/routes/%2e%2e",
            "/api/v1/routes/a%00b",
            "/api/v1/routes/" + "x".repeat(5000))) {
      var reply = send("GET", path, null);
      assertEquals(404, reply.status(), path + " " + reply.body());
      assertFalse(reply.body().contains("Exception"));
      assertEquals(404, send("DELETE", path, null).status(), path);
    }
    assertProblem(send("GET", "/api/v1/routes/a%00b", null), 404, "route-not-found");
    assertEquals(
        201,
        send(
                "POST",
                "/api/v1/routes",
                "{\"host\":\"svc0.example.com\",\"targets\":[\"10.0.0.1:80\"]}")
            .status());
    for (String query : List.of("/x", "%00", "/a%0d%0aX:%20y", "x")) {
      assertProblem(
          send("DELETE", "/api/v1/routes/svc0.example.com?path_prefix=" + query, null),
          404,
          "route-not-found");
    }
    assertEquals(1, routes(send("GET", "/api/v1/routes/svc0.example.com", null).object()).size());
    assertProblem(
        send("DELETE", "/api/v1/routes/nope.example.com?path_prefix=/x", null),
        404,
        "route-not-found");
  }

  @Test
  void onlyAdminsManageRoutes() {
    String body = "{\"host\":\"perm.example.com\",\"targets\":[\"10.0.0.1:80\"]}";
    for (var call :
        List.of(
            new String[] {"POST", "/api/v1/routes", body},
            new String[] {"GET", "/api/v1/routes", null},
            new String[] {"GET", "/api/v1/routes/perm.example.com", null},
            new String[] {"DELETE", "/api/v1/routes/perm.example.com", null})) {
      assertProblem(berth.send(call[0], call[1], call[2], (String) null), 401, "unauthorized");
      for (String role : List.of("viewer", "member")) {
        var token = Users.withRole(berth, role);
        assertProblem(berth.send(call[0], call[1], call[2], token), 403, "forbidden");
      }
    }
    assertTrue(live("perm.example.com", "/").isEmpty());
  }

  @Test
  @SuppressWarnings("unchecked")
  void changesAreAudited() {
    assertEquals(
        201,
        send(
                "POST",
                "/api/v1/routes",
                "{\"host\":\"audit.example.com\",\"targets\":[\"10.0.0.1:80\"]}")
            .status());
    assertEquals(204, send("DELETE", "/api/v1/routes/audit.example.com", null).status());
    var entries =
        (List<Map<String, Object>>)
            send("GET", "/api/v1/audit?action=route.", null).object().get("entries");
    var mine =
        entries.stream().filter(e -> "route:audit.example.com".equals(e.get("target"))).toList();
    assertEquals(
        List.of("route.delete", "route.create"), mine.stream().map(e -> e.get("action")).toList());
    var created = (Map<String, Object>) mine.get(1).get("detail");
    assertEquals(List.of("10.0.0.1:80"), created.get("targets"));
    assertEquals("/", created.get("path_prefix"));
    assertEquals(TestPlatform.ADMIN_EMAIL, mine.get(1).get("actor"));
    var deleted = (Map<String, Object>) mine.get(0).get("detail");
    assertEquals(List.of("/"), deleted.get("path_prefixes"));
  }
}
