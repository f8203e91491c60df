package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admins manage users; Berth never loses its last admin. */
class UsersIT {
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static Map<String, Object> create(String email, String role) {
    var reply =
        berth.post(
            "/api/v1/users",
            Json.write(Map.of("email", email, "password", "a fine password", "role", role)));
    assertEquals(201, reply.status(), reply.body());
    return reply.object();
  }

  @Test
  void createListUpdateDelete() {
    var user = create("Member.One@Example.com", "member");
    assertEquals("member.one@example.com", user.get("email"));
    assertEquals(List.of("id", "email", "role", "created_at"), List.copyOf(user.keySet()));
    assertTrue(berth.get("/api/v1/users").body().contains("member.one@example.com"));
    assertFalse(berth.get("/api/v1/users").body().contains("$2a$"), "no hashes in answers");

    var dup =
        berth.post(
            "/api/v1/users",
            Json.write(
                Map.of(
                    "email",
                    "MEMBER.one@example.com",
                    "password",
                    "another password",
                    "role",
                    "viewer")));
    assertEquals(409, dup.status());
    assertEquals("urn:berth:problem:email-taken", dup.object().get("type"));

    String id = (String) user.get("id");
    var patched =
        berth.send(
            "PATCH", "/api/v1/users/" + id, "{\"role\":\"admin\"}", TestPlatform.ADMIN_TOKEN);
    assertEquals(200, patched.status(), patched.body());
    assertEquals("admin", patched.object().get("role"));
    var browser = AuthSessionIT.signIn(berth, "member.one@example.com", "a fine password");
    var repass =
        berth.send(
            "PATCH",
            "/api/v1/users/" + id,
            "{\"password\":\"new fine password\"}",
            TestPlatform.ADMIN_TOKEN);
    assertEquals(200, repass.status());
    assertEquals(
        401,
        berth.send("GET", "/api/v1/auth/session", null, browser.headers(false)).status(),
        "a reset password ends sessions");
    assertEquals(
        204, berth.send("DELETE", "/api/v1/users/" + id, null, TestPlatform.ADMIN_TOKEN).status());
    assertEquals(
        404, berth.send("DELETE", "/api/v1/users/" + id, null, TestPlatform.ADMIN_TOKEN).status());

    String audit = berth.get("/api/v1/audit?action=user.&limit=500").body();
    for (String action : List.of("user.create", "user.update", "user.delete")) {
      assertTrue(audit.contains(action), action);
    }
    assertFalse(audit.contains("a fine password"));
  }

  @Test
  void theLastAdminCannotBeDeletedOrDemoted() {
    var second = create("second-admin@example.com", "admin");
    String path = "/api/v1/users/" + second.get("id");
    assertEquals(
        200,
        berth.send("PATCH", path, "{\"role\":\"member\"}", TestPlatform.ADMIN_TOKEN).status(),
        "another admin remains");
    assertEquals(204, berth.send("DELETE", path, null, TestPlatform.ADMIN_TOKEN).status());
    // Leave the bootstrap admin as the only one (other tests may have made admins).
    var admins =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.query(
                        "SELECT id FROM users WHERE role = 'admin' AND email <> ?",
                        r -> r.getString(1),
                        TestPlatform.ADMIN_EMAIL));
    for (String id : admins) {
      berth.send("PATCH", "/api/v1/users/" + id, "{\"role\":\"member\"}", TestPlatform.ADMIN_TOKEN);
    }
    String adminId =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.one(
                            "SELECT id FROM users WHERE email = ?",
                            r -> r.getString(1),
                            TestPlatform.ADMIN_EMAIL)
                        .orElseThrow());
    var delete = berth.send("DELETE", "/api/v1/users/" + adminId, null, TestPlatform.ADMIN_TOKEN);
    assertEquals(409, delete.status(), delete.body());
    assertEquals("urn:berth:problem:last-admin", delete.object().get("type"));
    var demote =
        berth.send(
            "PATCH", "/api/v1/users/" + adminId, "{\"role\":\"viewer\"}", TestPlatform.ADMIN_TOKEN);
    assertEquals(409, demote.status());
    assertEquals("urn:berth:problem:last-admin", demote.object().get("type"));
    assertEquals(200, berth.get("/api/v1/users").status(), "still an admin");
  }

  @Test
  void hostileUserRequests() {
    record Case(String body, int status, String field) {}
    String huge = "a".repeat(300) + "@example.com";
    for (var c :
        List.of(
            new Case(
                "{\"email\":\"x@example.com\",\"password\":\"a fine password\",\"role\":\"root\"}",
                422,
                "role"),
            new Case("{\"email\":\"x@example.com\",\"password\":\"a fine password\"}", 422, "role"),
            new Case(
                "{\"email\":\"not-an-email\",\"password\":\"a fine password\",\"role\":\"viewer\"}",
                422,
                "email"),
            new Case(
                "{\"email\":\"" + huge + "\",\"password\":\"a fine password\",\"role\":\"viewer\"}",
                422,
                "email"),
            new Case(
                "{\"email\":\"x@example.com\",\"password\":\"short\",\"role\":\"viewer\"}",
                422,
                "password"),
            new Case(
                "{\"email\":\"x@example.com\",\"password\":\""
                    + "p".repeat(73)
                    + "\",\"role\":\"viewer\"}",
                422,
                "password"),
            new Case(
                "{\"email\":[],\"password\":\"a fine password\",\"role\":\"viewer\"}",
                422,
                "email"),
            new Case(
                "{\"email\":\"x@example.com\",\"password\":\"a fine password\",\"role\":\"viewer\",\"is_admin\":true}",
                422,
                "is_admin"))) {
      var reply = berth.post("/api/v1/users", c.body());
      assertEquals(c.status(), reply.status(), c.body());
      assertEquals("urn:berth:problem:validation", reply.object().get("type"));
      assertEquals(c.field(), reply.object().get("field"), c.body());
    }
    assertEquals(400, berth.post("/api/v1/users", "{\"email\":").status());
    assertFalse(
        berth.get("/api/v1/users").body().contains("x@example.com"), "nothing half-written");
    var user = create("patched@example.com", "viewer");
    String path = "/api/v1/users/" + user.get("id");
    assertEquals(422, berth.send("PATCH", path, "{}", TestPlatform.ADMIN_TOKEN).status());
    assertEquals(
        422, berth.send("PATCH", path, "{\"role\":\"god\"}", TestPlatform.ADMIN_TOKEN).status());
    assertEquals(
        422,
        berth
            .send("PATCH", path, "{\"email\":\"new@example.com\"}", TestPlatform.ADMIN_TOKEN)
            .status());
    assertEquals(
        422,
        berth
            .send(
                "PATCH",
                path,
                "{\"role\":\"admin\",\"password\":\"short\"}",
                TestPlatform.ADMIN_TOKEN)
            .status());
    assertTrue(
        berth
            .get("/api/v1/users")
            .body()
            .contains("\"email\":\"patched@example.com\",\"role\":\"viewer\""),
        "a refused patch changes nothing");
    assertEquals(
        404,
        berth
            .send("PATCH", "/api/v1/users/nope", "{\"role\":\"admin\"}", TestPlatform.ADMIN_TOKEN)
            .status());
  }
}
