package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/apps}: create, list, read, change, delete, and everything hostile around it. */
class AppsIT {
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

  static void assertProblem(TestPlatform.Reply reply, int status, String slug) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.header("Content-Type"));
    var body = reply.object();
    assertEquals("urn:berth:problem:" + slug, body.get("type"), reply.body());
    assertEquals((long) status, body.get("status"));
    assertNotNull(body.get("request_id"));
    assertFalse(reply.body().contains("Exception"), reply.body());
  }

  @Test
  void createReadListUpdateDelete() {
    var created = send("POST", "/api/v1/apps", "{\"name\":\"hello\",\"description\":\"Hi\"}");
    assertEquals(201, created.status(), created.body());
    assertEquals("/api/v1/apps/hello", created.header("Location"));
    var app = created.object();
    assertEquals("hello", app.get("name"));
    assertEquals("Hi", app.get("description"));
    assertEquals("main", app.get("deploy_branch"));
    assertEquals(
        "http://hello.localhost:" + berth.platform().proxyAddress().getPort(),
        app.get("url"),
        "the address the proxy really answers on");
    assertEquals(0L, app.get("env_count"));
    assertTrue(((String) app.get("id")).matches("[0-9a-z]{26}"));
    assertNotNull(app.get("created_at"));
    assertEquals(app.get("created_at"), app.get("updated_at"));
    assertFalse(app.containsKey("git_url"));

    assertEquals(app, send("GET", "/api/v1/apps/hello", null).object());

    var patched =
        send("PATCH", "/api/v1/apps/hello", "{\"deploy_branch\":\"release/1.0\"}").object();
    assertEquals("release/1.0", patched.get("deploy_branch"));
    assertEquals("Hi", patched.get("description"));
    assertEquals(app.get("id"), patched.get("id"));
    var cleared = send("PATCH", "/api/v1/apps/hello", "{\"description\":null}").object();
    assertEquals("", cleared.get("description"));
    assertEquals("release/1.0", cleared.get("deploy_branch"));

    assertEquals(204, send("DELETE", "/api/v1/apps/hello", null).status());
    assertProblem(send("GET", "/api/v1/apps/hello", null), 404, "app-not-found");
    assertProblem(send("DELETE", "/api/v1/apps/hello", null), 404, "app-not-found");
    // The name is free again.
    assertEquals(201, send("POST", "/api/v1/apps", "{\"name\":\"hello\"}").status());
  }

  @Test
  void listIsSortedByName() {
    for (String name : List.of("list-b", "list-a-z", "list-a", "list-ab", "list-9")) {
      assertEquals(201, send("POST", "/api/v1/apps", "{\"name\":\"" + name + "\"}").status());
    }
    @SuppressWarnings("unchecked")
    var apps = (List<Map<String, Object>>) send("GET", "/api/v1/apps", null).object().get("apps");
    var names =
        apps.stream().map(a -> (String) a.get("name")).filter(n -> n.startsWith("list-")).toList();
    assertEquals(List.of("list-9", "list-a", "list-a-z", "list-ab", "list-b"), names);
  }

  @Test
  void duplicateIs409() {
    assertEquals(201, send("POST", "/api/v1/apps", "{\"name\":\"twice\"}").status());
    var again = send("POST", "/api/v1/apps", "{\"name\":\"twice\",\"description\":\"x\"}");
    assertProblem(again, 409, "app-exists");
    assertEquals("", send("GET", "/api/v1/apps/twice", null).object().get("description"));
  }

  @Test
  void concurrentCreatesOfOneNameMakeOneApp() throws Exception {
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var replies = new ArrayList<java.util.concurrent.Future<Integer>>();
      for (int i = 0; i < 8; i++) {
        replies.add(
            pool.submit(() -> send("POST", "/api/v1/apps", "{\"name\":\"racy\"}").status()));
      }
      var statuses = new ArrayList<Integer>();
      for (var reply : replies) {
        statuses.add(reply.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }
    assertEquals(1, names().stream().filter("racy"::equals).count());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello",
        "-x",
        "x-",
        "a--b",
        "a_b",
        "a.b",
        "..",
        "../etc",
        "h\u00e9llo",
        "www",
        "berth",
        "localhost",
        "",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void invalidNamesAre422InvalidName(String name) {
    var reply = send("POST", "/api/v1/apps", "{\"name\":" + dev.berth.core.Json.write(name) + "}");
    assertProblem(reply, 422, "invalid-name");
    assertEquals("name", reply.object().get("field"));
    assertTrue(((String) reply.object().get("detail")).length() > 10);
    assertFalse(names().contains(name));
  }

  @Test
  void theNameRuleIsInTheMessage() {
    var reply = send("POST", "/api/v1/apps", "{\"name\":\"Bad_Name\"}");
    assertTrue(((String) reply.object().get("detail")).contains("a-z, 0-9 and '-'"));
  }

  @Test
  void badBodiesAreProblemsAndCreateNothing() {
    int before = names().size();
    assertProblem(send("POST", "/api/v1/apps", "{\"name\":"), 400, "malformed-json");
    assertProblem(send("POST", "/api/v1/apps", "[\"x\"]"), 400, "malformed-json");
    assertProblem(send("POST", "/api/v1/apps", "\"x\""), 400, "malformed-json");
    assertProblem(send("POST", "/api/v1/apps", ""), 400, "malformed-json");
    assertProblem(send("POST", "/api/v1/apps", "{}"), 422, "validation");
    assertProblem(send("POST", "/api/v1/apps", "{\"name\":null}"), 422, "validation");
    assertProblem(send("POST", "/api/v1/apps", "{\"name\":42}"), 422, "validation");
    assertProblem(send("POST", "/api/v1/apps", "{\"name\":[\"a\"]}"), 422, "validation");
    var desc = send("POST", "/api/v1/apps", "{\"name\":\"typed\",\"description\":5}");
    assertProblem(desc, 422, "validation");
    assertEquals("description", desc.object().get("field"));
    var unknown = send("POST", "/api/v1/apps", "{\"name\":\"extra\",\"git_url\":\"x\"}");
    assertProblem(unknown, 422, "validation");
    assertEquals("git_url", unknown.object().get("field"));
    var branch = send("POST", "/api/v1/apps", "{\"name\":\"br\",\"deploy_branch\":\"a..b\"}");
    assertProblem(branch, 422, "validation");
    assertEquals("deploy_branch", branch.object().get("field"));
    String long1 = "x".repeat(501);
    assertProblem(
        send("POST", "/api/v1/apps", "{\"name\":\"long\",\"description\":\"" + long1 + "\"}"),
        422,
        "validation");
    assertProblem(
        send("POST", "/api/v1/apps", "{\"name\":\"ctl\",\"description\":\"a\\u001bb\"}"),
        422,
        "validation");
    assertProblem(
        send("POST", "/api/v1/apps", "{\"name\":\"dup\",\"name\":\"dup2\"}"),
        400,
        "malformed-json");
    assertEquals(before, names().size());
  }

  @Test
  void bodiesOverOneMebibyteAre413() {
    String big = "{\"name\":\"big\",\"description\":\"" + "x".repeat(1 << 20) + "\"}";
    assertProblem(send("POST", "/api/v1/apps", big), 413, "payload-too-large");
    assertFalse(names().contains("big"));
  }

  @Test
  void patchRefusesBadInputAndChangesNothing() {
    send("POST", "/api/v1/apps", "{\"name\":\"patchy\",\"description\":\"keep\"}");
    for (String body :
        List.of(
            "{\"name\":\"renamed\"}",
            "{\"deploy_branch\":\"-evil\"}",
            "{\"deploy_branch\":\"has space\"}",
            "{\"deploy_branch\":\"a\\nb\"}",
            "{\"deploy_branch\":null}",
            "{\"deploy_branch\":7}",
            "{\"description\":\"new\",\"deploy_branch\":\"..\"}",
            "{\"description\":true}")) {
      var reply = send("PATCH", "/api/v1/apps/patchy", body);
      assertProblem(reply, 422, "validation");
    }
    assertProblem(send("PATCH", "/api/v1/apps/patchy", "{"), 400, "malformed-json");
    assertProblem(
        send("PATCH", "/api/v1/apps/nope", "{\"description\":\"x\"}"), 404, "app-not-found");
    var app = send("GET", "/api/v1/apps/patchy", null).object();
    assertEquals("keep", app.get("description"));
    assertEquals("main", app.get("deploy_branch"));
    assertEquals(app.get("created_at"), app.get("updated_at"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/apps/..",
        "/api/v1/apps/%2e%2e",
        "/api/v1/apps/%2E%2E/env",
        "/api/v1/apps/PATHS",
        "/api/v1/apps/paths%2F..",
        "/api/v1/apps/p%C3%A1ths",
        "/api/v1/apps/paths%00",
        "/api/v1/apps/paths%20",
        "/api/v1/apps/.%2e/apps/paths",
        "/api/v1/apps/no-such-app"
      })
  void pathTricksNeverReachAnotherApp(String path) {
    send("POST", "/api/v1/apps", "{\"name\":\"paths\"}");
    for (String method : List.of("GET", "DELETE")) {
      var reply = send(method, path, null);
      // 405 where the path names the env of an app (DELETE is not a method there).
      assertTrue(
          reply.status() == 404 || (reply.status() == 405 && path.endsWith("/env")),
          method + " " + path + ": " + reply.body());
      assertEquals("application/problem+json", reply.header("Content-Type"));
    }
    assertEquals(200, send("GET", "/api/v1/apps/paths", null).status());
  }

  @Test
  void everyCallNeedsAToken() {
    for (String[] call :
        List.of(
            new String[] {"GET", "/api/v1/apps"},
            new String[] {"POST", "/api/v1/apps"},
            new String[] {"GET", "/api/v1/apps/x"},
            new String[] {"PATCH", "/api/v1/apps/x"},
            new String[] {"DELETE", "/api/v1/apps/x"},
            new String[] {"GET", "/api/v1/apps/x/env"},
            new String[] {"PUT", "/api/v1/apps/x/env"})) {
      var reply = berth.send(call[0], call[1], "{\"name\":\"sneaky\"}", (String) null);
      assertProblem(reply, 401, "unauthorized");
      var wrong = berth.send(call[0], call[1], "{\"name\":\"sneaky\"}", "not-a-token");
      assertProblem(wrong, 401, "unauthorized");
    }
    assertFalse(names().contains("sneaky"));
  }

  @Test
  void viewersReadAndMembersWrite() {
    String viewer = Users.withRole(berth, "viewer");
    String member = Users.withRole(berth, "member");
    send("POST", "/api/v1/apps", "{\"name\":\"roles\"}");
    assertEquals(200, berth.send("GET", "/api/v1/apps", null, viewer).status());
    assertEquals(200, berth.send("GET", "/api/v1/apps/roles", null, viewer).status());
    assertEquals(200, berth.send("GET", "/api/v1/apps/roles/env", null, viewer).status());
    assertProblem(
        berth.send("POST", "/api/v1/apps", "{\"name\":\"by-viewer\"}", viewer), 403, "forbidden");
    assertProblem(
        berth.send("PATCH", "/api/v1/apps/roles", "{\"description\":\"v\"}", viewer),
        403,
        "forbidden");
    assertProblem(berth.send("DELETE", "/api/v1/apps/roles", null, viewer), 403, "forbidden");
    assertProblem(
        berth.send("PUT", "/api/v1/apps/roles/env", "{\"A\":\"1\"}", viewer), 403, "forbidden");
    assertFalse(names().contains("by-viewer"));

    assertEquals(
        201, berth.send("POST", "/api/v1/apps", "{\"name\":\"by-member\"}", member).status());
    assertEquals(
        200,
        berth.send("PATCH", "/api/v1/apps/by-member", "{\"description\":\"m\"}", member).status());
    assertEquals(
        200, berth.send("PUT", "/api/v1/apps/by-member/env", "{\"A\":\"1\"}", member).status());
    assertEquals(204, berth.send("DELETE", "/api/v1/apps/by-member", null, member).status());
  }

  @Test
  void changesAreAudited() {
    send("POST", "/api/v1/apps", "{\"name\":\"audited\"}");
    send("PATCH", "/api/v1/apps/audited", "{\"description\":\"d\",\"deploy_branch\":\"main\"}");
    send("PATCH", "/api/v1/apps/audited", "{\"description\":\"d\"}"); // no change, no entry
    send("DELETE", "/api/v1/apps/audited", null);
    var entries = auditFor(berth, "app:audited");
    assertEquals(
        List.of("app.delete", "app.update", "app.create"),
        entries.stream().map(e -> e.get("action")).toList());
    @SuppressWarnings("unchecked")
    var detail = (Map<String, Object>) entries.get(1).get("detail");
    assertEquals(List.of("description"), detail.get("fields"));
    assertEquals(TestPlatform.ADMIN_EMAIL, entries.get(0).get("actor"));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> auditFor(TestPlatform berth, String target) {
    var entries =
        (List<Map<String, Object>>)
            berth
                .send("GET", "/api/v1/audit?limit=500", null, TestPlatform.ADMIN_TOKEN)
                .object()
                .get("entries");
    return entries.stream().filter(e -> target.equals(e.get("target"))).toList();
  }

  @SuppressWarnings("unchecked")
  static List<String> names() {
    var apps = (List<Map<String, Object>>) send("GET", "/api/v1/apps", null).object().get("apps");
    return apps.stream().map(a -> (String) a.get("name")).toList();
  }
}
