package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTablesTest {
  static StoredRoute stored(String host, String prefix, String... targets) {
    return new StoredRoute(
        host,
        prefix,
        List.of(targets),
        Target.Balance.LEAST_IN_FLIGHT,
        Instant.EPOCH,
        Instant.EPOCH);
  }

  static Target target(RouteTable table, String host, String path) {
    return table.match(host, path).orElseThrow().target();
  }

  @Test
  void appsConsoleAndStoredRoutes() {
    var built =
        RouteTables.build(
            "example.test",
            List.of(
                stored("svc.example.com", "/", "127.0.0.1:9000", "[::1]:9001"),
                stored("svc.example.com", "/api", "backend:3000")),
            List.of("hello", "shop"));
    var table = built.table();
    assertEquals(new Target.Console(), target(table, "berth.example.test", "/"));
    assertEquals(new Target.Console(), target(table, "berth.example.test", "/api/v1/apps"));
    assertEquals(new Target.NoInstances("hello"), target(table, "hello.example.test", "/"));
    assertEquals(new Target.NoInstances("shop"), target(table, "SHOP.example.test", "/cart"));
    assertEquals(new Target.Console(), target(table, "hello.example.test", "/_berth/event"));
    assertEquals(new Target.NoInstances("hello"), target(table, "hello.example.test", "/_berthx"));
    assertEquals(
        new Target.Upstreams(
            List.of(new HostPort("127.0.0.1", 9000), new HostPort("::1", 9001)),
            Target.Balance.LEAST_IN_FLIGHT),
        target(table, "svc.example.com", "/"));
    assertEquals(
        new Target.Upstreams(
            List.of(new HostPort("backend", 3000)), Target.Balance.LEAST_IN_FLIGHT),
        target(table, "svc.example.com", "/api/users"));
    assertTrue(table.match("other.example.test", "/").isEmpty(), "unknown apps are not routed");
    assertTrue(table.match("svc.example.com.evil", "/").isEmpty());
    assertTrue(built.shadowed().isEmpty());
  }

  @Test
  void anAppWithLiveInstancesRoutesToThem() {
    var live =
        new Target.Upstreams(List.of(new HostPort("127.0.0.1", 9001)), Target.Balance.ROUND_ROBIN);
    var table =
        RouteTables.build(
                "example.test",
                List.of(),
                List.of("hello", "idle", "gone"),
                java.util.Map.of("hello", live, "deleted", live),
                List.of(new CustomHost("www.hello.com", "hello")))
            .table();
    assertEquals(live, target(table, "hello.example.test", "/"));
    assertEquals(live, target(table, "www.hello.com", "/"), "a custom domain reaches them too");
    assertEquals(new Target.Console(), target(table, "hello.example.test", "/_berth/e"));
    assertEquals(new Target.NoInstances("idle"), target(table, "idle.example.test", "/"));
    assertTrue(
        table.match("deleted.example.test", "/").isEmpty(), "instances of a deleted app idle");
  }

  @Test
  void berthsOwnHostsWinOverStoredRoutes() {
    var hijack = stored("hello.example.test", "/", "10.0.0.1:80");
    var console = stored("berth.example.test", "/admin", "10.0.0.1:80");
    var built = RouteTables.build("example.test", List.of(hijack, console), List.of("hello"));
    assertEquals(List.of(hijack, console), built.shadowed());
    assertEquals(new Target.NoInstances("hello"), target(built.table(), "hello.example.test", "/"));
    assertEquals(new Target.Console(), target(built.table(), "berth.example.test", "/admin"));
  }

  @Test
  void withNothingStoredOnlyTheConsoleIsRouted() {
    var table = RouteTables.build("localhost", List.of(), List.of()).table();
    assertEquals(1, table.routes().size());
    assertEquals(new Target.Console(), target(table, "berth.localhost", "/"));
  }

  @Test
  void customDomainsRouteLikeTheirAppsHostAndWinOverStoredRoutes() {
    var stored = stored("www.shop.com", "/", "10.0.0.1:80");
    var built =
        RouteTables.build(
            "example.test",
            List.of(stored),
            List.of("shop"),
            java.util.Map.of(),
            List.of(
                new CustomHost("www.shop.com", "shop"),
                new CustomHost("*.shop.org", "shop"),
                new CustomHost("old.example.com", "deleted-app"),
                new CustomHost("shop.example.test", "other")));
    var table = built.table();
    assertEquals(new Target.NoInstances("shop"), target(table, "www.shop.com", "/"));
    assertEquals(new Target.Console(), target(table, "www.shop.com", "/_berth/x"));
    assertEquals(new Target.NoInstances("shop"), target(table, "a.shop.org", "/cart"));
    assertTrue(table.match("old.example.com", "/").isEmpty(), "a deleted app's domain is dark");
    assertEquals(
        new Target.NoInstances("shop"),
        target(table, "shop.example.test", "/"),
        "an app's own host is never taken by a domain");
    assertEquals(List.of(stored), built.shadowed());
  }
}
