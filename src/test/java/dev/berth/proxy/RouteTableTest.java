package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  static Target up(int port) {
    return new Target.Upstreams(
        List.of(new HostPort("127.0.0.1", port)), Target.Balance.ROUND_ROBIN);
  }

  final RouteTable table =
      new RouteTable(
          List.of(
              new Route("app.example.com", "/", up(1)),
              new Route("app.example.com", "/api", up(2)),
              new Route("app.example.com", "/api/v2/", up(3)),
              new Route("*.example.com", "/", up(4)),
              new Route("Berth.Example.com", "/", new Target.Console())));

  Target target(String host, String path) {
    return table.match(host, path).orElseThrow().target();
  }

  @Test
  void exactHostsWinOverWildcards() {
    assertEquals(up(1), target("app.example.com", "/"));
    assertEquals(up(1), target("APP.Example.COM", "/x"));
    assertEquals(up(1), target("app.example.com.", "/x"));
    assertEquals(up(4), target("other.example.com", "/"));
    assertEquals(new Target.Console(), target("berth.example.com", "/"));
  }

  @Test
  void wildcardsCoverExactlyOneLabel() {
    assertTrue(table.match("a.b.example.com", "/").isEmpty());
    assertTrue(table.match("example.com", "/").isEmpty());
    assertTrue(table.match("evilexample.com", "/").isEmpty());
  }

  @Test
  void longestPathPrefixWinsOnSegmentBoundaries() {
    assertEquals(up(2), target("app.example.com", "/api"));
    assertEquals(up(2), target("app.example.com", "/api/users"));
    assertEquals(up(1), target("app.example.com", "/apiary"));
    assertEquals(up(3), target("app.example.com", "/api/v2/x"));
    assertEquals(up(2), target("app.example.com", "/api/v2"));
  }

  @Test
  void unknownHostsMatchNothing() {
    assertTrue(table.match("unknown.test", "/").isEmpty());
    assertTrue(RouteTable.EMPTY.match("app.example.com", "/").isEmpty());
  }

  @Test
  void badRoutesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Route("a.test", "api", up(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Target.Upstreams(List.of(), Target.Balance.ROUND_ROBIN));
  }
}
