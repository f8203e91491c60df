package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API tokens: made once, used as Bearer, revoked; roles enforced through them. */
class ApiTokensIT {
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static Map<String, Object> createToken(String asToken, String body) {
    var reply = berth.send("POST", "/api/v1/tokens", body, asToken);
    assertEquals(201, reply.status(), reply.body());
    return reply.object();
  }

  @Test
  void theBootstrapTokenIsAnAdminToken() {
    var reply = berth.get("/api/v1/users");
    assertEquals(200, reply.status(), reply.body());
    var tokens = berth.get("/api/v1/tokens").object();
    assertTrue(tokens.toString().contains("name=bootstrap"), tokens.toString());
    String stored =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.one(
                            "SELECT token_hash FROM api_tokens WHERE name = 'bootstrap'",
                            r -> r.getString(1))
                        .orElseThrow());
    assertFalse(stored.contains(TestPlatform.ADMIN_TOKEN));
    assertEquals(64, stored.length());
  }

  @Test
  void createUseRevoke() {
    var created =
        createToken(TestPlatform.ADMIN_TOKEN, "{\"name\":\"ci deploys\",\"expires_in_days\":30}");
    String token = (String) created.get("token");
    assertTrue(token.matches("berth_[A-Za-z0-9_-]{43}"), token);
    assertEquals(token.substring(0, 12), created.get("prefix"));
    assertEquals("ci deploys", created.get("name"));
    assertNotNull(created.get("created_at"));
    assertNotNull(created.get("expires_at"));
    assertEquals(
        List.of("id", "name", "prefix", "created_at", "expires_at", "token"),
        List.copyOf(created.keySet()));

    assertEquals(200, berth.send("GET", "/api/v1/users", null, token).status());
    var listed = berth.get("/api/v1/tokens").body();
    assertFalse(listed.contains(token), "the secret is shown only once");
    assertTrue(listed.contains((String) created.get("id")));
    String lastUsed =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.one(
                            "SELECT last_used_at FROM api_tokens WHERE id = ?",
                            r -> r.getString(1),
                            created.get("id"))
                        .orElse(null));
    assertNotNull(lastUsed, "last_used_at is set on use");

    assertEquals(
        204, berth.send("DELETE", "/api/v1/tokens/" + created.get("id"), null, token).status());
    var after = berth.send("GET", "/api/v1/users", null, token);
    assertEquals(401, after.status());
    assertEquals("urn:berth:problem:unauthorized", after.object().get("type"));
    var unknown = berth.send("GET", "/api/v1/users", null, "berth_" + "A".repeat(43));
    assertEquals(after.object().get("detail"), unknown.object().get("detail"));
    var notAToken = berth.send("GET", "/api/v1/users", null, "garbage");
    assertEquals(after.object().get("detail"), notAToken.object().get("detail"));
    assertEquals(
        204,
        berth
            .send("DELETE", "/api/v1/tokens/" + created.get("id"), null, TestPlatform.ADMIN_TOKEN)
            .status(),
        "revoking twice is harmless");
  }

  @Test
  void expiredTokensAreRefused() {
    var created =
        createToken(TestPlatform.ADMIN_TOKEN, "{\"name\":\"short lived\",\"expires_in_days\":1}");
    berth
        .platform()
        .database()
        .write(
            tx ->
                tx.update("UPDATE api_tokens SET expires_at = 1 WHERE id = ?", created.get("id")));
    assertEquals(
        401, berth.send("GET", "/api/v1/tokens", null, (String) created.get("token")).status());
  }

  @Test
  void malformedAuthorizationHeaders() {
    for (String header :
        List.of(
            "Basic YTpi",
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "token",
            "Bearer " + "x".repeat(10_000))) {
      var reply = berth.send("GET", "/api/v1/tokens", null, Map.of("Authorization", header));
      assertEquals(401, reply.status(), header);
      assertEquals("urn:berth:problem:unauthorized", reply.object().get("type"), header);
    }
  }

  @Test
  void viewersReadButCannotAdminister() {
    var user =
        berth.post(
            "/api/v1/users",
            Json.write(
                Map.of(
                    "email",
                    "viewer@example.com",
                    "password",
                    "viewer password 1",
                    "role",
                    "viewer")));
    assertEquals(201, user.status(), user.body());
    assertEquals("viewer", user.object().get("role"));
    var browser = AuthSessionIT.signIn(berth, "viewer@example.com", "viewer password 1");
    var created =
        berth.send("POST", "/api/v1/tokens", "{\"name\":\"mine\"}", browser.headers(true));
    assertEquals(201, created.status(), created.body());
    assertNull(created.object().get("expires_at"));
    String token = (String) created.object().get("token");

    for (String path : List.of("/api/v1/users", "/api/v1/audit")) {
      var reply = berth.send("GET", path, null, token);
      assertEquals(403, reply.status(), path);
      assertEquals("urn:berth:problem:forbidden", reply.object().get("type"));
    }
    assertEquals(403, berth.send("GET", "/api/v1/tokens?all=true", null, token).status());
    var mine = berth.send("GET", "/api/v1/tokens", null, token).object();
    @SuppressWarnings("unchecked")
    var list = (List<Map<String, Object>>) mine.get("tokens");
    assertEquals(1, list.size());
    assertEquals("mine", list.getFirst().get("name"));

    var adminTokens = berth.get("/api/v1/tokens").object().get("tokens");
    @SuppressWarnings("unchecked")
    String adminTokenId = ((List<Map<String, Object>>) adminTokens).getFirst().get("id").toString();
    var foreign = berth.send("DELETE", "/api/v1/tokens/" + adminTokenId, null, token);
    assertEquals(404, foreign.status(), "another user's token is not yours to see");
    var everyone = berth.get("/api/v1/tokens?all=true").body();
    assertTrue(everyone.contains("\"mine\""));
  }

  @Test
  void hostileTokenRequests() {
    record Case(String body, int status, String type) {}
    for (var c :
        List.of(
            new Case("not json", 400, "malformed-json"),
            new Case("{}", 422, "validation"),
            new Case("{\"name\":\"   \"}", 422, "validation"),
            new Case("{\"name\":42}", 422, "validation"),
            new Case("{\"name\":\"" + "n".repeat(101) + "\"}", 422, "validation"),
            new Case("{\"name\":\"x\",\"expires_in_days\":0}", 422, "validation"),
            new Case("{\"name\":\"x\",\"expires_in_days\":\"7\"}", 422, "validation"),
            new Case("{\"name\":\"x\",\"expires_in_days\":99999}", 422, "validation"),
            new Case("{\"name\":\"x\",\"scope\":\"all\"}", 422, "validation"))) {
      var reply = berth.post("/api/v1/tokens", c.body());
      assertEquals(c.status(), reply.status(), c.body());
      assertEquals("urn:berth:problem:" + c.type(), reply.object().get("type"), c.body());
    }
    assertEquals(422, berth.get("/api/v1/tokens?all=maybe").status());
    for (String id : List.of("nope", "..%2F..%2Fetc", "x".repeat(500))) {
      var reply = berth.send("DELETE", "/api/v1/tokens/" + id, null, TestPlatform.ADMIN_TOKEN);
      assertEquals(404, reply.status(), id);
      assertEquals("urn:berth:problem:not-found", reply.object().get("type"));
    }
  }
}
