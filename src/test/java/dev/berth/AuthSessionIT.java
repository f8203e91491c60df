package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dashboard sign-in: cookies, CSRF, logout, rate limits, password change. */
class AuthSessionIT {
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  /** A signed-in browser: its cookie and CSRF token. */
  record Browser(String cookie, String csrf, Map<String, Object> user) {
    Map<String, String> headers(boolean withCsrf) {
      var h = new HashMap<String, String>();
      h.put("Cookie", "berth_session=" + cookie);
      if (withCsrf) {
        h.put("X-CSRF-Token", csrf);
      }
      return h;
    }
  }

  static TestPlatform.Reply login(TestPlatform on, String email, String password, String from) {
    return on.send(
        "POST",
        "/api/v1/auth/login",
        Json.write(Map.of("email", email, "password", password)),
        on.asProxy(Map.of("X-Forwarded-For", from)));
  }

  @SuppressWarnings("unchecked")
  static Browser signIn(TestPlatform on, String email, String password) {
    var reply = login(on, email, password, "192.0.2.1");
    assertEquals(200, reply.status(), reply.body());
    String setCookie = reply.header("Set-Cookie");
    assertTrue(setCookie.startsWith("berth_session="), setCookie);
    String cookie = setCookie.substring("berth_session=".length(), setCookie.indexOf(';'));
    var body = reply.object();
    return new Browser(
        cookie, (String) body.get("csrf_token"), (Map<String, Object>) body.get("user"));
  }

  @Test
  void loginSetsAHardenedCookieAndAnswersTheUser() {
    var reply = login(berth, "  Admin@Example.com ", TestPlatform.ADMIN_PASSWORD, "192.0.2.10");
    assertEquals(200, reply.status(), reply.body());
    String cookie = reply.header("Set-Cookie");
    assertTrue(cookie.matches("berth_session=[A-Za-z0-9_-]{43}; .*"), cookie);
    assertTrue(cookie.contains("HttpOnly"));
    assertTrue(cookie.contains("SameSite=Lax"));
    assertTrue(cookie.contains("Path=/"));
    assertTrue(cookie.contains("Max-Age=604800"));
    assertFalse(cookie.contains("Secure"), "plain HTTP to loopback");
    var body = reply.object();
    @SuppressWarnings("unchecked")
    var user = (Map<String, Object>) body.get("user");
    assertEquals(
        Map.of(
            "id",
            user.get("id"),
            "email",
            TestPlatform.ADMIN_EMAIL,
            "role",
            "admin",
            "created_at",
            user.get("created_at")),
        user);
    assertTrue(((String) body.get("csrf_token")).length() >= 43);
    var secure =
        berth.send(
            "POST",
            "/api/v1/auth/login",
            Json.write(
                Map.of("email", TestPlatform.ADMIN_EMAIL, "password", TestPlatform.ADMIN_PASSWORD)),
            berth.asProxy(Map.of("X-Forwarded-For", "192.0.2.10", "X-Forwarded-Proto", "https")));
    assertTrue(secure.header("Set-Cookie").endsWith("; Secure"));
  }

  @Test
  void theCookieIsStoredOnlyAsItsHash() {
    var browser = signIn(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
    var ids =
        berth
            .platform()
            .database()
            .read(tx -> tx.query("SELECT id FROM sessions", r -> r.getString(1)));
    assertFalse(ids.contains(browser.cookie()));
    assertTrue(ids.stream().allMatch(id -> id.matches("[0-9a-f]{64}")));
  }

  @Test
  void cookieReadsWorkAndWritesNeedTheCsrfToken() {
    var browser = signIn(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
    var session = berth.send("GET", "/api/v1/auth/session", null, browser.headers(false));
    assertEquals(200, session.status(), session.body());
    assertEquals(browser.csrf(), session.object().get("csrf_token"));
    assertEquals(200, berth.send("GET", "/api/v1/users", null, browser.headers(false)).status());

    String body = Json.write(Map.of("name", "from the dashboard"));
    var noCsrf = berth.send("POST", "/api/v1/tokens", body, browser.headers(false));
    assertEquals(403, noCsrf.status());
    assertEquals("urn:berth:problem:csrf", noCsrf.object().get("type"));
    var wrong = new HashMap<>(browser.headers(false));
    wrong.put("X-CSRF-Token", browser.csrf().substring(1) + "x");
    assertEquals(403, berth.send("POST", "/api/v1/tokens", body, wrong).status());
    assertEquals(0, tokenCount("from the dashboard"), "nothing was written");

    var foreign = new HashMap<>(browser.headers(true));
    foreign.put("Origin", "https://evil.example");
    var refused = berth.send("POST", "/api/v1/tokens", body, foreign);
    assertEquals(403, refused.status());
    assertEquals("urn:berth:problem:csrf", refused.object().get("type"));

    var same = new HashMap<>(browser.headers(true));
    same.put("Origin", berth.url());
    assertEquals(201, berth.send("POST", "/api/v1/tokens", body, same).status());
    assertEquals(201, berth.send("POST", "/api/v1/tokens", body, browser.headers(true)).status());
    assertEquals(2, tokenCount("from the dashboard"));
  }

  static long tokenCount(String name) {
    return berth
        .platform()
        .database()
        .read(tx -> tx.count("SELECT count(*) FROM api_tokens WHERE name = ?", name));
  }

  @Test
  void logoutEndsTheSessionAndClearsTheCookie() {
    var browser = signIn(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
    assertEquals(
        403, berth.send("POST", "/api/v1/auth/logout", null, browser.headers(false)).status());
    var out = berth.send("POST", "/api/v1/auth/logout", null, browser.headers(true));
    assertEquals(204, out.status());
    assertTrue(out.header("Set-Cookie").startsWith("berth_session=; Path=/; Max-Age=0"));
    var after = berth.send("GET", "/api/v1/auth/session", null, browser.headers(false));
    assertEquals(401, after.status());
    assertEquals("urn:berth:problem:unauthorized", after.object().get("type"));
  }

  @Test
  void sessionWithoutCredentialsIs401AndBogusCookiesAreIgnored() {
    assertEquals(401, berth.send("GET", "/api/v1/auth/session", null, Map.of()).status());
    var bogus =
        berth.send("GET", "/api/v1/auth/session", null, Map.of("Cookie", "berth_session=nope"));
    assertEquals(401, bogus.status());
    var huge =
        berth.send(
            "GET",
            "/api/v1/auth/session",
            null,
            Map.of("Cookie", "berth_session=" + "a".repeat(5000)));
    assertEquals(401, huge.status());
  }

  @Test
  void wrongPasswordAndUnknownEmailLookTheSame() {
    var wrong = login(berth, TestPlatform.ADMIN_EMAIL, "not the password", "192.0.2.20");
    var unknown = login(berth, "nobody@example.com", "not the password", "192.0.2.21");
    assertEquals(401, wrong.status());
    assertEquals(401, unknown.status());
    assertEquals(wrong.object().get("type"), unknown.object().get("type"));
    assertEquals("urn:berth:problem:invalid-credentials", wrong.object().get("type"));
    assertEquals(wrong.object().get("detail"), unknown.object().get("detail"));
    assertNull(wrong.header("Set-Cookie"));

    // The audit filter is a prefix; "auth.login" also matches auth.login_failed.
    var audit = berth.get("/api/v1/audit?action=auth.login&limit=500").object();
    @SuppressWarnings("unchecked")
    var entries = (List<Map<String, Object>>) audit.get("entries");
    var failed = entries.stream().filter(e -> e.get("action").equals("auth.login_failed")).toList();
    assertTrue(failed.size() >= 2, audit.toString());
    assertTrue(
        failed.stream()
            .anyMatch(e -> e.get("detail").equals(Map.of("email", "nobody@example.com"))));
    assertFalse(audit.toString().contains("not the password"), "no password in the audit log");
  }

  @Test
  void accountRateLimitAnswers429WithRetryAfter() {
    String email = "locked-" + System.nanoTime() + "@example.com";
    for (int i = 0; i < 10; i++) {
      assertEquals(401, login(berth, email, "guess number " + i, "198.51.100." + i).status());
    }
    var limited = login(berth, email, "guess number 11", "198.51.100.99");
    assertEquals(429, limited.status());
    assertEquals("urn:berth:problem:rate-limited", limited.object().get("type"));
    long retry = Long.parseLong(limited.header("Retry-After"));
    assertTrue(retry > 800 && retry <= 900, "about 15 minutes: " + retry);
  }

  @Test
  void addressRateLimitSurvivesASuccessfulLoginToAnotherAccount() {
    String from = "203.0.113.77";
    for (int i = 0; i < 19; i++) {
      assertEquals(401, login(berth, "spray" + i + "@example.com", "password " + i, from).status());
    }
    assertEquals(
        200, login(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD, from).status());
    assertEquals(401, login(berth, "spray-last@example.com", "password last", from).status());
    var limited = login(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD, from);
    assertEquals(429, limited.status());
    assertNotNull(limited.header("Retry-After"));
    assertEquals(
        200,
        login(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD, "203.0.113.78")
            .status());
  }

  @Test
  void changingThePasswordEndsOtherSessions() {
    String email = "changer@example.com";
    String first = "first password 123";
    var created =
        berth.post(
            "/api/v1/users",
            Json.write(Map.of("email", email, "password", first, "role", "member")));
    assertEquals(201, created.status(), created.body());
    var here = signIn(berth, email, first);
    var elsewhere = signIn(berth, email, first);

    String change =
        Json.write(
            Map.of("current_password", "wrong password!", "new_password", "second password 456"));
    var refused = berth.send("POST", "/api/v1/auth/password", change, here.headers(true));
    assertEquals(403, refused.status());
    assertEquals("urn:berth:problem:wrong-password", refused.object().get("type"));

    String weak = Json.write(Map.of("current_password", first, "new_password", "short"));
    var weakReply = berth.send("POST", "/api/v1/auth/password", weak, here.headers(true));
    assertEquals(422, weakReply.status());
    assertEquals("new_password", weakReply.object().get("field"));

    change = Json.write(Map.of("current_password", first, "new_password", "second password 456"));
    assertEquals(
        204, berth.send("POST", "/api/v1/auth/password", change, here.headers(true)).status());
    assertEquals(
        200, berth.send("GET", "/api/v1/auth/session", null, here.headers(false)).status());
    assertEquals(
        401, berth.send("GET", "/api/v1/auth/session", null, elsewhere.headers(false)).status());
    assertEquals(401, login(berth, email, first, "192.0.2.30").status());
    assertEquals(200, login(berth, email, "second password 456", "192.0.2.30").status());
  }

  @Test
  void hostileLoginBodies() {
    record Case(String body, int status, String type) {}
    var cases =
        List.of(
            new Case("{", 400, "malformed-json"),
            new Case("[]", 400, "malformed-json"),
            new Case("{\"email\":1,\"password\":\"x\"}", 422, "validation"),
            new Case("{\"email\":\"a@b.c\"}", 422, "validation"),
            new Case(
                "{\"email\":\"a@b.c\",\"password\":\"xxxxxxxxxxxx\",\"admin\":true}",
                422,
                "validation"));
    for (var c : cases) {
      var reply =
          berth.send(
              "POST",
              "/api/v1/auth/login",
              c.body(),
              berth.asProxy(Map.of("X-Forwarded-For", "192.0.2.99")));
      assertEquals(c.status(), reply.status(), c.body());
      assertEquals("urn:berth:problem:" + c.type(), reply.object().get("type"), c.body());
    }
    var huge =
        login(berth, "a".repeat(100_000) + "@example.com", "whatever password", "192.0.2.98");
    assertEquals(401, huge.status());
    var foreign =
        berth.send(
            "POST",
            "/api/v1/auth/login",
            Json.write(
                Map.of("email", TestPlatform.ADMIN_EMAIL, "password", TestPlatform.ADMIN_PASSWORD)),
            Map.of("Origin", "https://evil.example"));
    assertEquals(403, foreign.status());
  }
}
