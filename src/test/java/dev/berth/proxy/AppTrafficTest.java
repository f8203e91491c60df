package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The switch and its drain on a real SQLite store and the real balancer, with requests "in flight"
 * counted by hand: what the deploy engine will rely on when it stops an old release.
 */
class AppTrafficTest {
  static final HostPort A = new HostPort("127.0.0.1", 9001);
  static final HostPort B = new HostPort("127.0.0.1", 9002);

  @TempDir Path dir;
  Database db;
  final Routes routes = new Routes();
  final Balancer balancer = new Balancer(InstantSource.system(), 1000);
  AppTraffic traffic;

  @BeforeEach
  void open() {
    db = Database.open(Optional.empty(), dir.resolve("berth.db"));
    Migrations.migrate(db, Clock.systemUTC());
    db.write(
        tx ->
            tx.update(
                "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('a1', 'web', 1, 1)"));
    AppNames names = () -> List.of("web");
    var store = new RouteStore(db, Clock.systemUTC(), (a, action, t, d) -> {}, "localhost", names);
    var live = new AppTargets(db, Clock.systemUTC());
    var refresher =
        new RouteRefresher(store, names, live, routes, "localhost", Duration.ofSeconds(1));
    traffic = new AppTraffic(live, refresher, names, balancer, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  Target routed() {
    return routes.current().match("web.localhost", "/").orElseThrow().target();
  }

  static AppTraffic.Drained await(AppTraffic.Drain drain) throws Exception {
    return drain.drained().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theTableSwitchesAtOnceAndTheDrainWaitsForOpenRequests() throws Exception {
    await(traffic.switchTo("web", List.of(A), Duration.ofSeconds(5)));
    assertEquals(new Target.Upstreams(List.of(A), Target.Balance.ROUND_ROBIN), routed());
    balancer.started(A); // a request to A, in flight across the switch
    var drain = traffic.switchTo("web", List.of(B), Duration.ofSeconds(5));
    assertEquals(new Target.Upstreams(List.of(B), Target.Balance.ROUND_ROBIN), routed());
    assertEquals(List.of(A), drain.draining());
    Thread.sleep(200);
    assertFalse(drain.drained().toCompletableFuture().isDone(), "A still has a request open");
    balancer.finished(A);
    var drained = await(drain);
    assertTrue(drained.complete());
    assertFalse(drained.closed());
  }

  @Test
  void aTimedOutDrainReportsWhatWasOpen() throws Exception {
    await(traffic.switchTo("web", List.of(A), Duration.ofSeconds(5)));
    balancer.started(A);
    balancer.started(A);
    var drained = await(traffic.switchTo("web", List.of(B), Duration.ofMillis(100)));
    assertEquals(2, drained.openAtDeadline());
    assertTrue(drained.closed());
    assertFalse(drained.complete());
  }

  @Test
  void anInstanceLiveAgainIsNotDrained() throws Exception {
    await(traffic.switchTo("web", List.of(A), Duration.ofSeconds(5)));
    balancer.started(A);
    var away = traffic.switchTo("web", List.of(B), Duration.ofMillis(300));
    traffic.switchTo("web", List.of(A), Duration.ofSeconds(5)); // back before the deadline
    var drained = await(away);
    assertTrue(drained.complete(), "A is live again: nothing of it to wait for or close");
    assertFalse(drained.closed());
  }

  @Test
  void stopGoesBackToNoInstancesAndUnknownAppsAreRefused() throws Exception {
    await(traffic.switchTo("web", List.of(A, B, A), Duration.ofSeconds(5)));
    assertEquals(List.of(A, B), traffic.live("web").instances(), "duplicates collapse");
    await(traffic.stop("web", Duration.ofSeconds(1)));
    assertEquals(new Target.NoInstances("web"), routed());
    assertEquals(List.of(), traffic.live("web").instances());
    var e =
        assertThrows(
            TrafficException.class, () -> traffic.switchTo("nope", List.of(A), Duration.ZERO));
    assertEquals(new TrafficError.AppNotFound("nope"), e.error());
  }
}
