package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "svc.example.com",
        "example.com",
        "localhost",
        "a.b.c.d.example.com",
        "xn--bcher-kva.example",
        "*.example.com",
        "*.a.b.example.com",
        "1password.com",
        "a-b.example.com",
        "123.example.com",
      })
  void acceptsDnsNames(String host) {
    assertEquals(java.util.Optional.empty(), RouteRules.hostProblem(host));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Svc.example.com",
        "svc.example.com.",
        "svc.example.com:8080",
        "127.0.0.1",
        "10.0.0.256",
        "[::1]",
        "::1",
        "*.com",
        "*",
        "*.",
        "a.*.example.com",
        "**.example.com",
        "*example.com",
        "svc*.example.com",
        "-svc.example.com",
        "svc-.example.com",
        ".example.com",
        "svc..example.com",
        "svc_1.example.com",
        "svc example.com",
        "svc.example.com/x",
        "svc.example.com\u0000",
        "svc.example.com\n",
        "sv\u00e9.example.com",
        "user@svc.example.com",
        "svc.example.com?x",
      })
  void refusesEverythingElseAsAHost(String host) {
    assertTrue(RouteRules.hostProblem(host).isPresent(), host);
  }

  @Test
  void hostLengthLimits() {
    String label63 = "a".repeat(63);
    assertTrue(RouteRules.hostProblem(label63 + ".com").isEmpty());
    assertTrue(RouteRules.hostProblem("a".repeat(64) + ".com").isPresent());
    // 4 labels of 61 + 3 dots + ".com" = 251, then 253 and 254 characters.
    String long251 =
        String.join(".", List.of("a".repeat(61), "b".repeat(61), "c".repeat(61), "d".repeat(61)))
            + ".com";
    assertEquals(251, long251.length());
    assertTrue(RouteRules.hostProblem("x." + long251).isEmpty());
    assertTrue(RouteRules.hostProblem("xy." + long251).isPresent());
    assertTrue(RouteRules.hostProblem("a".repeat(100_000)).isPresent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:9000",
        "10.1.2.3:1",
        "255.255.255.255:65535",
        "[::1]:8080",
        "[2001:db8::1]:443",
        "[::ffff:127.0.0.1]:80",
        "backend:3000",
        "api.internal.example.com:8443",
        "localhost:80",
      })
  void acceptsTargets(String target) {
    assertEquals(java.util.Optional.empty(), RouteRules.targetProblem(target));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "127.0.0.1",
        "127.0.0.1:",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:99999999999",
        "127.0.0.1:-1",
        "127.0.0.1:+80",
        "127.0.0.1:080",
        "127.0.0.1:80 ",
        " 127.0.0.1:80",
        "127.0.0.1:8a",
        "256.0.0.1:80",
        "127.0.0.01:80",
        "127.1:80",
        "1.2.3.4.5:80",
        "0.0.0.0:80",
        "::1:80",
        "[::1]",
        "[::1:80",
        "[::1%eth0]:80",
        "[fe80::1%25lo]:80",
        "[zz::1]:80",
        "[127.0.0.1]:80",
        "[]:80",
        ":80",
        "Backend:80",
        "back_end:80",
        "backend.:80",
        "-backend:80",
        "http://backend:80",
        "backend:80/path",
        "user@backend:80",
        "back end:80",
        "backend\u0000:80",
        "*.example.com:80",
      })
  void refusesMalformedTargets(String target) {
    assertTrue(RouteRules.targetProblem(target).isPresent(), target);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/api",
        "/api/",
        "/api/v2/",
        "/~user",
        "/a-b_c.d",
        "/@x:y",
        "/a;b=c",
        "/_berth/"
      })
  void acceptsPrefixes(String prefix) {
    assertEquals(java.util.Optional.empty(), RouteRules.prefixProblem(prefix));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "api",
        "//",
        "/api//x",
        "/..",
        "/../etc",
        "/a/../b",
        "/a..b",
        "/.",
        "/./a",
        "/a/.",
        "/api?x=1",
        "/api#frag",
        "/api%2F",
        "/%2e%2e/",
        "/a b",
        "/a\tb",
        "/a\u0000",
        "/a\r\nHost: evil",
        "/a\u007f",
        "/a\u0085",
        "/caf\u00e9",
        "/a\\b",
        "/a\"b",
        "/<script>",
      })
  void refusesHostilePrefixes(String prefix) {
    assertTrue(RouteRules.prefixProblem(prefix).isPresent(), prefix);
  }

  @Test
  void prefixLengthLimit() {
    assertTrue(RouteRules.prefixProblem("/" + "a".repeat(255)).isEmpty());
    assertTrue(RouteRules.prefixProblem("/" + "a".repeat(256)).isPresent());
  }

  @Test
  void newRouteNamesTheFieldItRefuses() {
    assertEquals("host", field(() -> route("Bad.Host", "/", List.of("127.0.0.1:1"))));
    assertEquals("path_prefix", field(() -> route("ok.example.com", "x", List.of("127.0.0.1:1"))));
    assertEquals("targets", field(() -> route("ok.example.com", "/", List.of())));
    assertEquals("targets", field(() -> route("ok.example.com", "/", List.of("nope"))));
    assertEquals(
        "targets", field(() -> route("ok.example.com", "/", List.of("10.0.0.1:1", "10.0.0.1:1"))));
    var many = new ArrayList<String>();
    for (int i = 1; i <= 33; i++) {
      many.add("10.0.0.1:" + i);
    }
    assertEquals("targets", field(() -> route("ok.example.com", "/", many)));
    assertEquals(32, route("ok.example.com", "/", many.subList(0, 32)).targets().size());
  }

  @Test
  void bodyReaderRefusesWrongTypesAndUnknownFields() {
    assertEquals("host", field(() -> RoutesApi.newRoute(Map.of("targets", List.of("a:1")))));
    assertEquals(
        "host", field(() -> RoutesApi.newRoute(Map.of("host", 5L, "targets", List.of("a:1")))));
    assertEquals("targets", field(() -> RoutesApi.newRoute(Map.of("host", "a.example.com"))));
    assertEquals(
        "targets",
        field(() -> RoutesApi.newRoute(Map.of("host", "a.example.com", "targets", "a:1"))));
    assertEquals(
        "targets",
        field(() -> RoutesApi.newRoute(Map.of("host", "a.example.com", "targets", List.of(1L)))));
    assertEquals(
        "balance",
        field(
            () ->
                RoutesApi.newRoute(
                    Map.of(
                        "host", "a.example.com", "targets", List.of("a:1"), "balance", "random"))));
    assertEquals(
        "hosts",
        field(
            () -> RoutesApi.newRoute(Map.of("hosts", "a.example.com", "targets", List.of("a:1")))));
    var ok =
        RoutesApi.newRoute(
            Map.of(
                "host", "a.example.com", "targets", List.of("a:1"), "balance", "least_in_flight"));
    assertEquals(Target.Balance.LEAST_IN_FLIGHT, ok.balance());
    assertEquals("/", ok.pathPrefix());
  }

  static NewRoute route(String host, String prefix, List<String> targets) {
    return new NewRoute(host, prefix, targets, Target.Balance.ROUND_ROBIN);
  }

  static String field(org.junit.jupiter.api.function.Executable action) {
    var e = assertThrows(RoutesException.class, action);
    return ((RoutesError.InvalidRoute) e.error()).field();
  }
}
