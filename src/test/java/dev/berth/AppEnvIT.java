package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/apps/{name}/env}: set, remove, masking, reveal, sealing at rest, audit. */
class AppEnvIT {
  static final String SECRET = "postgres://app:s3cr3t-Zq81@db/prod";
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply send(String method, String path, String body) {
    return berth.send(method, path, body, TestPlatform.ADMIN_TOKEN);
  }

  static void newApp(String name) {
    assertEquals(201, send("POST", "/api/v1/apps", "{\"name\":\"" + name + "\"}").status());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> env(TestPlatform.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    return (List<Map<String, Object>>) reply.object().get("env");
  }

  static Map<String, Object> values(String app) {
    var out = new LinkedHashMap<String, Object>();
    for (var v : env(send("GET", "/api/v1/apps/" + app + "/env?reveal=true", null))) {
      out.put((String) v.get("key"), v.get("value"));
    }
    return out;
  }

  @Test
  void setMaskUpdateRemove() {
    newApp("env-basic");
    var put =
        send(
            "PUT",
            "/api/v1/apps/env-basic/env",
            "{\"DATABASE_URL\":\"" + SECRET + "\",\"B\":\"\",\"A_1\":\"x\",\"GONE\":null}");
    var body = put.object();
    assertEquals(3L, body.get("added"));
    assertEquals(0L, body.get("updated"));
    assertEquals(0L, body.get("removed"));
    var listed = env(put);
    assertEquals(
        List.of("A_1", "B", "DATABASE_URL"), listed.stream().map(v -> v.get("key")).toList());
    for (var v : listed) {
      assertEquals("••••••", v.get("value"));
      assertTrue(((String) v.get("updated_at")).endsWith("Z"));
    }
    assertFalse(put.body().contains(SECRET));
    var get = send("GET", "/api/v1/apps/env-basic/env", null);
    assertEquals(listed, env(get));
    assertFalse(get.body().contains("s3cr3t"));
    assertEquals(3L, send("GET", "/api/v1/apps/env-basic", null).object().get("env_count"));

    var second =
        send(
                "PUT",
                "/api/v1/apps/env-basic/env",
                "{\"A_1\":\"y\",\"B\":\"\",\"DATABASE_URL\":null}")
            .object();
    assertEquals(0L, second.get("added"));
    assertEquals(1L, second.get("updated")); // B kept its value
    assertEquals(1L, second.get("removed"));
    assertEquals(Map.of("A_1", "y", "B", ""), values("env-basic"));
    var nothing = send("PUT", "/api/v1/apps/env-basic/env", "{}").object();
    assertEquals(
        List.of(0L, 0L, 0L),
        List.of(nothing.get("added"), nothing.get("updated"), nothing.get("removed")));
  }

  @Test
  void valuesKeepEveryCharacter() {
    newApp("env-chars");
    String tricky = "line1\nline2\t\"quoted\" \\ ünïcödé 🚀 $HOME `x` '; DROP TABLE apps; --";
    send("PUT", "/api/v1/apps/env-chars/env", "{\"T\":" + dev.berth.core.Json.write(tricky) + "}");
    assertEquals(tricky, values("env-chars").get("T"));
    String big = "v".repeat(32 * 1024);
    assertEquals(
        200, send("PUT", "/api/v1/apps/env-chars/env", "{\"BIG\":\"" + big + "\"}").status());
    assertEquals(big, values("env-chars").get("BIG"));
  }

  @Test
  void oneBadEntryRefusesTheWholeRequest() {
    newApp("env-atomic");
    send("PUT", "/api/v1/apps/env-atomic/env", "{\"KEEP\":\"1\"}");
    var cases =
        Map.of(
            "{\"NEW\":\"2\",\"KEEP\":null,\"1BAD\":\"x\"}",
            "1BAD",
            "{\"NEW\":\"2\",\"bad-key\":\"x\"}",
            "bad-key",
            "{\"NEW\":\"2\",\"NUM\":5}",
            "NUM",
            "{\"NEW\":\"2\",\"BOOL\":true}",
            "BOOL",
            "{\"NEW\":\"2\",\"OBJ\":{\"a\":\"b\"}}",
            "OBJ",
            "{\"NEW\":\"2\",\"LIST\":[\"a\"]}",
            "LIST",
            "{\"NEW\":\"2\",\"\":\"x\"}",
            "",
            "{\"NEW\":\"2\",\"NUL\":\"a\\u0000b\"}",
            "NUL",
            "{\"NEW\":\"2\",\"HUGE\":\"" + "h".repeat(32 * 1024 + 1) + "\"}",
            "HUGE",
            "{\"NEW\":\"2\",\"" + "K".repeat(257) + "\":\"x\"}",
            "K".repeat(257));
    for (var c : cases.entrySet()) {
      var reply = send("PUT", "/api/v1/apps/env-atomic/env", c.getKey());
      assertProblem(reply, 422, "invalid-env");
      assertEquals(c.getValue(), reply.object().get("key"));
    }
    assertProblem(send("PUT", "/api/v1/apps/env-atomic/env", "{\"A\":"), 400, "malformed-json");
    assertProblem(send("PUT", "/api/v1/apps/env-atomic/env", "[]"), 400, "malformed-json");
    assertProblem(
        send("PUT", "/api/v1/apps/env-atomic/env", "{\"A\":\"1\",\"A\":\"2\"}"),
        400,
        "malformed-json");
    String huge = "{\"A\":\"" + "x".repeat(1 << 20) + "\"}";
    assertProblem(send("PUT", "/api/v1/apps/env-atomic/env", huge), 413, "payload-too-large");
    assertEquals(Map.of("KEEP", "1"), values("env-atomic"));
    assertTrue(
        AppsIT.auditFor(berth, "app:env-atomic").stream()
                .filter(e -> e.get("action").equals("env.update"))
                .count()
            == 1);
  }

  @Test
  void atMost500VarsPerApp() {
    newApp("env-many");
    var json = new StringBuilder("{");
    for (int i = 0; i < 500; i++) {
      json.append(i == 0 ? "" : ",").append("\"K").append(i).append("\":\"v\"");
    }
    assertEquals(200, send("PUT", "/api/v1/apps/env-many/env", json + "}").status());
    var over = send("PUT", "/api/v1/apps/env-many/env", "{\"ONE_MORE\":\"x\"}");
    assertProblem(over, 422, "too-many-env-vars");
    assertEquals(500L, over.object().get("limit"));
    // Swapping one key for another stays within the limit.
    assertEquals(
        200, send("PUT", "/api/v1/apps/env-many/env", "{\"ONE_MORE\":\"x\",\"K0\":null}").status());
    assertEquals(500L, send("GET", "/api/v1/apps/env-many", null).object().get("env_count"));
  }

  @Test
  void unknownAppsAndPathTricks() {
    assertProblem(send("GET", "/api/v1/apps/ghost/env", null), 404, "app-not-found");
    assertProblem(send("PUT", "/api/v1/apps/ghost/env", "{\"A\":\"1\"}"), 404, "app-not-found");
    assertProblem(send("GET", "/api/v1/apps/ghost/env?reveal=true", null), 404, "app-not-found");
    assertProblem(send("PUT", "/api/v1/apps/%2e%2e/env", "{\"A\":\"1\"}"), 404, "app-not-found");
    assertProblem(send("PUT", "/api/v1/apps/GHOST/env", "{\"A\":\"1\"}"), 404, "app-not-found");
    newApp("env-q");
    assertProblem(send("GET", "/api/v1/apps/env-q/env?reveal=yes", null), 422, "validation");
  }

  @Test
  void onlyAdminsRevealAndRevealsAreAudited() {
    newApp("env-reveal");
    send("PUT", "/api/v1/apps/env-reveal/env", "{\"TOKEN\":\"" + SECRET + "\"}");
    for (String role : List.of("viewer", "member")) {
      String token = Users.withRole(berth, role);
      var masked = berth.send("GET", "/api/v1/apps/env-reveal/env", null, token);
      assertEquals("••••••", env(masked).getFirst().get("value"));
      var denied = berth.send("GET", "/api/v1/apps/env-reveal/env?reveal=true", null, token);
      assertProblem(denied, 403, "forbidden");
      assertFalse(denied.body().contains(SECRET));
    }
    assertTrue(
        AppsIT.auditFor(berth, "app:env-reveal").stream()
            .noneMatch(e -> e.get("action").equals("env.reveal")));
    var revealed = send("GET", "/api/v1/apps/env-reveal/env?reveal=true", null);
    assertEquals(SECRET, env(revealed).getFirst().get("value"));
    var reveal =
        AppsIT.auditFor(berth, "app:env-reveal").stream()
            .filter(e -> e.get("action").equals("env.reveal"))
            .toList();
    assertEquals(1, reveal.size());
    assertEquals(Map.of("keys", List.of("TOKEN")), reveal.getFirst().get("detail"));
  }

  @Test
  void envChangesAreAuditedWithKeysOnly() {
    newApp("env-audit");
    send("PUT", "/api/v1/apps/env-audit/env", "{\"A\":\"" + SECRET + "\",\"B\":\"b\"}");
    send("PUT", "/api/v1/apps/env-audit/env", "{\"A\":\"changed-" + SECRET + "\",\"B\":null}");
    send("PUT", "/api/v1/apps/env-audit/env", "{\"A\":\"changed-" + SECRET + "\"}"); // same value
    var updates =
        AppsIT.auditFor(berth, "app:env-audit").stream()
            .filter(e -> e.get("action").equals("env.update"))
            .toList();
    assertEquals(2, updates.size());
    assertEquals(
        Map.of("added", List.of(), "updated", List.of("A"), "removed", List.of("B")),
        updates.get(0).get("detail"));
    assertEquals(
        Map.of("added", List.of("A", "B"), "updated", List.of(), "removed", List.of()),
        updates.get(1).get("detail"));
    var all = send("GET", "/api/v1/audit?limit=500", null).body();
    assertFalse(all.contains("s3cr3t"));
  }

  @Test
  void valuesAreSealedAtRestAndBoundToTheirKey() throws Exception {
    newApp("env-sealed");
    send("PUT", "/api/v1/apps/env-sealed/env", "{\"SECRET\":\"" + SECRET + "\",\"OTHER\":\"o\"}");
    var rows =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.query(
                        "SELECT e.name, e.sealed_value FROM env_vars e JOIN apps a ON a.id = e.app_id"
                            + " WHERE a.name = ?",
                        r -> List.of(r.getString(1), r.getString(2)),
                        "env-sealed"));
    assertEquals(2, rows.size());
    for (var row : rows) {
      assertTrue(row.get(1).startsWith("v1."));
      assertFalse(row.get(1).contains("s3cr3t"));
    }
    if (berth.databaseUrl().isEmpty()) {
      assertNoFileHolds(berth.dataDir(), "s3cr3t-Zq81");
    }
    // A sealed value moved to another key does not open there: the reveal fails, loudly.
    String sealedSecret =
        rows.stream().filter(r -> r.get(0).equals("SECRET")).findFirst().orElseThrow().get(1);
    berth
        .platform()
        .database()
        .write(
            tx ->
                tx.update(
                    "UPDATE env_vars SET sealed_value = ? WHERE name = 'OTHER' AND app_id = (SELECT id"
                        + " FROM apps WHERE name = 'env-sealed')",
                    sealedSecret));
    var reply = send("GET", "/api/v1/apps/env-sealed/env?reveal=true", null);
    assertProblem(reply, 500, "env-unreadable");
    assertEquals(List.of("OTHER"), reply.object().get("keys"));
    assertFalse(reply.body().contains(SECRET));
    // Setting the key again repairs it.
    send("PUT", "/api/v1/apps/env-sealed/env", "{\"OTHER\":\"o\"}");
    assertEquals(Map.of("OTHER", "o", "SECRET", SECRET), values("env-sealed"));
  }

  @Test
  void deletingAnAppDeletesItsEnv() {
    newApp("env-delete");
    send("PUT", "/api/v1/apps/env-delete/env", "{\"A\":\"1\",\"B\":\"2\"}");
    assertEquals(204, send("DELETE", "/api/v1/apps/env-delete", null).status());
    long left =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.count(
                        "SELECT COUNT(*) FROM env_vars WHERE app_id NOT IN (SELECT id FROM apps)"));
    assertEquals(0L, left);
    newApp("env-delete");
    assertEquals(List.of(), env(send("GET", "/api/v1/apps/env-delete/env", null)));
  }

  static void assertNoFileHolds(Path dir, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    var offenders = new ArrayList<Path>();
    try (var walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        if (indexOf(bytes, needle) >= 0) {
          offenders.add(file);
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
