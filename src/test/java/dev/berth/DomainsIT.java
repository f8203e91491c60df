package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import dev.berth.proxy.Route;
import dev.berth.proxy.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /api/v1/apps/{app}/domains}: custom domains route like the app's own host, bad input is
 * refused with a stable problem and writes nothing, uploaded certificates are checked and served,
 * and an ACME directory that cannot be reached shows as a failed certificate that is retried. The
 * platform's ACME directory here is a closed local port.
 */
class DomainsIT {
  static TestPlatform berth;
  static Path certs;

  @BeforeAll
  static void boot() throws Exception {
    berth = TestPlatform.start();
    certs = Files.createTempDirectory("berth-certs-");
    for (String app : List.of("shop", "blog")) {
      assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"" + app + "\"}").status());
    }
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply send(String method, String path, String body) {
    return berth.send(method, path, body, TestPlatform.ADMIN_TOKEN);
  }

  static TestPlatform.Reply add(String app, String host) {
    return send("POST", "/api/v1/apps/" + app + "/domains", Json.write(Map.of("host", host)));
  }

  static Optional<Target> live(String host, String path) {
    return berth.platform().routes().current().match(host, path).map(Route::target);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> domains(String app) {
    var reply = send("GET", "/api/v1/apps/" + app + "/domains", null);
    assertEquals(200, reply.status(), reply.body());
    return (List<Map<String, Object>>) reply.object().get("domains");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> certificate(Map<String, Object> domain) {
    return (Map<String, Object>) domain.get("certificate");
  }

  @Test
  void addListDeleteAndTheDomainRoutesLikeTheAppsHost() {
    var created = add("shop", "WWW.Shop-Example.COM");
    assertEquals(201, created.status(), created.body());
    assertEquals("/api/v1/apps/shop/domains/www.shop-example.com", created.header("Location"));
    var domain = created.object();
    assertEquals("www.shop-example.com", domain.get("host"));
    assertEquals("shop", domain.get("app"));
    assertEquals("pending", certificate(domain).get("status"));
    assertEquals(null, certificate(domain).get("source"));
    assertFalse(created.body().contains("private"), created.body());

    assertEquals(Optional.of(new Target.NoInstances("shop")), live("www.shop-example.com", "/"));
    assertEquals(Optional.of(new Target.Console()), live("www.shop-example.com", "/_berth/x"));
    assertTrue(
        domains("shop").stream().anyMatch(d -> "www.shop-example.com".equals(d.get("host"))));
    assertTrue(
        domains("blog").stream().noneMatch(d -> "www.shop-example.com".equals(d.get("host"))));

    assertProblem(
        send("DELETE", "/api/v1/apps/blog/domains/www.shop-example.com", null),
        404,
        "domain-not-found");
    assertEquals(
        204, send("DELETE", "/api/v1/apps/shop/domains/www.shop-example.com", null).status());
    assertEquals(Optional.empty(), live("www.shop-example.com", "/"));
    assertTrue(
        domains("shop").stream().noneMatch(d -> "www.shop-example.com".equals(d.get("host"))));
    assertProblem(
        send("DELETE", "/api/v1/apps/shop/domains/www.shop-example.com", null),
        404,
        "domain-not-found");
  }

  @Test
  void anUnreachableDirectoryShowsAsFailedAndIsRetriedWithBackoff() {
    assertEquals(201, add("shop", "retry.example.com").status());
    var failed = await("retry.example.com", c -> "failed".equals(c.get("status")));
    assertTrue(String.valueOf(failed.get("error")).length() > 5, failed.toString());
    assertEquals(1L, failed.get("attempts"));
    var next = Instant.parse((String) failed.get("next_attempt_at"));
    assertTrue(next.isAfter(Instant.now().plusSeconds(30)), "first retry about a minute later");
    assertTrue(next.isBefore(Instant.now().plusSeconds(61)), next.toString());

    // When the retry comes due, the renewer tries again and backs off further.
    berth
        .platform()
        .database()
        .write(
            tx ->
                tx.update(
                    "UPDATE domains SET next_attempt_at = 0 WHERE host = ?", "retry.example.com"));
    var again = await("retry.example.com", c -> Long.valueOf(2).equals(c.get("attempts")));
    assertEquals("failed", again.get("status"));
    var later = Instant.parse((String) again.get("next_attempt_at"));
    assertTrue(
        later.isAfter(Instant.now().plusSeconds(90)), "second retry about two minutes later");
    assertEquals(Optional.of(new Target.NoInstances("shop")), live("retry.example.com", "/"));
  }

  static Map<String, Object> await(
      String host, java.util.function.Predicate<Map<String, Object>> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, Object> last = Map.of();
    while (System.nanoTime() < deadline) {
      for (var domain : domains("shop")) {
        if (host.equals(domain.get("host"))) {
          last = certificate(domain);
          if (done.test(last)) {
            return last;
          }
        }
      }
      AcmeIT.pause();
    }
    throw new AssertionError(host + ": " + last);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1",
        "[::1]",
        "::1",
        "example.com:8443",
        "example.com.",
        "-bad.example.com",
        "a..example.com",
        "*.*.example.com",
        "www.*.example.com",
        "*.com",
        "exa mple.com",
        "example.com/path",
        "ex\u00e4mple.com",
        "ex\u0000ample.com",
        ""
      })
  void hostsThatAreNotDnsNamesAre422(String host) {
    var reply = add("shop", host);
    assertProblem(reply, 422, "invalid-domain");
    assertEquals("host", reply.object().get("field"));
  }

  @Test
  void berthsOwnHostsAdminRoutesAndDuplicatesAre409() {
    for (String host : List.of("berth.localhost", "localhost", "shop.localhost", "new.localhost")) {
      assertProblem(add("shop", host), 409, "host-taken");
    }
    assertEquals(
        201,
        send(
                "POST",
                "/api/v1/routes",
                "{\"host\":\"routed.example.com\",\"targets\":[\"127.0.0.1:9\"]}")
            .status());
    assertProblem(add("shop", "routed.example.com"), 409, "host-taken");
    assertEquals(201, add("shop", "taken.example.com").status());
    assertProblem(add("shop", "taken.example.com"), 409, "domain-exists");
    assertProblem(add("blog", "TAKEN.example.com"), 409, "domain-exists");
    assertTrue(domains("blog").stream().noneMatch(d -> "taken.example.com".equals(d.get("host"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[]", "\"x\"", "null", "{\"host\":}", "{\"host\":\"a.com\",}"})
  void malformedJsonIs400(String body) {
    assertProblem(send("POST", "/api/v1/apps/shop/domains", body), 400, "malformed-json");
  }

  @Test
  void wrongTypesMissingUnknownAndOversizedFields() {
    for (String body :
        List.of(
            "{}",
            "{\"host\":null}",
            "{\"host\":42}",
            "{\"host\":[\"a.com\"]}",
            "{\"host\":{\"a\":1}}",
            "{\"host\":true}",
            "{\"host\":\"a.example.com\",\"app\":\"blog\"}",
            "{\"host\":\"" + "a".repeat(100_000) + ".com\"}")) {
      var reply = send("POST", "/api/v1/apps/shop/domains", body);
      assertProblem(reply, 422, "invalid-domain");
      assertTrue(reply.body().length() < 2_000, "the answer does not echo the whole value");
    }
    var huge =
        send("POST", "/api/v1/apps/shop/domains", "{\"host\":\"" + "a".repeat(1 << 20) + "\"}");
    assertProblem(huge, 413, "payload-too-large");
    assertTrue(domains("shop").stream().noneMatch(d -> "a.example.com".equals(d.get("host"))));
  }

  @Test
  void unknownAppsHostsAndPathTricksAre404() {
    assertProblem(add("nope", "x.example.com"), 404, "app-not-found");
    assertProblem(send("GET", "/api/v1/apps/nope/domains", null), 404, "app-not-found");
    for (String path :
        List.of(
            "/api/v1/apps/shop/domains/unknown.example.com",
            "/api/v1/apps/shop/domains/..%2F..%2Fetc",
            "/api/v1/apps/shop/domains/%00",
            "/api/v1/apps/shop/domains/" + "a".repeat(5000),
            "/api/v1/apps/..%2Fshop/domains/x.example.com")) {
      var reply = send("DELETE", path, null);
      assertTrue(reply.status() == 404, path + " " + reply.body());
      assertFalse(reply.body().contains("Exception"), reply.body());
    }
    assertProblem(
        send(
            "PUT",
            "/api/v1/apps/shop/domains/unknown.example.com/certificate",
            "{\"certificate\":\"x\",\"private_key\":\"y\"}"),
        404,
        "domain-not-found");
  }

  @Test
  void viewersReadMembersWriteStrangersNeither() {
    String viewer = Users.withRole(berth, "viewer");
    String member = Users.withRole(berth, "member");
    String body = "{\"host\":\"roles.example.com\"}";
    assertEquals(
        401, berth.send("POST", "/api/v1/apps/shop/domains", body, (String) null).status());
    assertEquals(401, berth.send("GET", "/api/v1/apps/shop/domains", null, (String) null).status());
    assertEquals(403, berth.send("POST", "/api/v1/apps/shop/domains", body, viewer).status());
    assertEquals(200, berth.send("GET", "/api/v1/apps/shop/domains", null, viewer).status());
    assertEquals(201, berth.send("POST", "/api/v1/apps/shop/domains", body, member).status());
    String path = "/api/v1/apps/shop/domains/roles.example.com";
    assertEquals(403, berth.send("DELETE", path, null, viewer).status());
    assertEquals(204, berth.send("DELETE", path, null, member).status());
  }

  @Test
  void everyChangeIsAudited() {
    assertEquals(201, add("shop", "audit.example.com").status());
    assertEquals(204, send("DELETE", "/api/v1/apps/shop/domains/audit.example.com", null).status());
    @SuppressWarnings("unchecked")
    var entries =
        (List<Map<String, Object>>)
            send("GET", "/api/v1/audit?action=domain.", null).object().get("entries");
    var mine =
        entries.stream().filter(e -> "domain:audit.example.com".equals(e.get("target"))).toList();
    assertEquals(2, mine.size(), entries.toString());
  }
}
