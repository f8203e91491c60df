package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Actor;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refresher on a real SQLite store: changes made behind its back, and a store that dies. */
class RouteRefresherTest {
  static final Actor ACTOR = new Actor("u1", "admin@example.com", "127.0.0.1", "req-1");

  @TempDir Path dir;
  Database db;
  final List<String> apps = new CopyOnWriteArrayList<>();
  final Routes routes = new Routes();
  RouteStore store;
  RouteRefresher refresher;

  @BeforeEach
  void open() {
    db = Database.open(Optional.empty(), dir.resolve("berth.db"));
    Migrations.migrate(db, Clock.systemUTC());
    AppNames names = () -> List.copyOf(apps);
    store = new RouteStore(db, Clock.systemUTC(), (a, action, t, d) -> {}, "localhost", names);
    refresher = new RouteRefresher(store, names, routes, "localhost", Duration.ofMillis(20));
  }

  @AfterEach
  void close() {
    refresher.stop();
    db.close();
  }

  Optional<Target> target(String host) {
    return routes.current().match(host, "/").map(Route::target);
  }

  @Test
  void pollSeesChangesMadeByAnotherProcess() {
    refresher.refresh();
    assertEquals(Optional.of(new Target.Console()), target("berth.localhost"));
    assertTrue(target("svc.example.com").isEmpty());

    // Another process writes the store; nothing tells this one.
    store.create(
        ACTOR,
        new NewRoute(
            "svc.example.com", "/", List.of("127.0.0.1:9000"), Target.Balance.ROUND_ROBIN));
    db.write(
        tx ->
            tx.update(
                "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('a1', 'hello', 5, 5)"));
    apps.add("hello");
    refresher.poll();
    assertTrue(target("svc.example.com").orElseThrow() instanceof Target.Upstreams);
    assertEquals(Optional.of(new Target.NoInstances("hello")), target("hello.localhost"));

    store.delete(ACTOR, "svc.example.com", Optional.empty());
    refresher.poll();
    assertTrue(target("svc.example.com").isEmpty());
  }

  @Test
  void anUnchangedStoreKeepsTheSameTable() {
    refresher.refresh();
    var before = routes.current();
    refresher.poll();
    refresher.poll();
    assertSame(before, routes.current());
  }

  @Test
  void aDeadStoreLeavesTheLastTableServing() throws Exception {
    store.create(
        ACTOR,
        new NewRoute(
            "svc.example.com", "/", List.of("127.0.0.1:9000"), Target.Balance.ROUND_ROBIN));
    refresher.start();
    var before = routes.current();
    assertTrue(target("svc.example.com").isPresent());
    db.close();
    for (int i = 0; i < RouteRefresher.FULL_REBUILD_EVERY + 2; i++) {
      refresher.poll(); // must not throw
    }
    Thread.sleep(100); // the background poller runs against the dead store too
    assertSame(before, routes.current());
    assertTrue(target("svc.example.com").isPresent());
    refresher.refreshAfterWrite(); // a failed rebuild after a write is logged, not thrown
    assertSame(before, routes.current());
  }

  @Test
  void failingAppNamesLeaveTheLastTableServing() {
    var broken =
        new RouteRefresher(
            store,
            () -> {
              throw new IllegalStateException("apps unavailable");
            },
            routes,
            "localhost",
            Duration.ofMillis(20));
    refresher.refresh();
    var before = routes.current();
    db.write(
        tx ->
            tx.update(
                "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('a2', 'x', 9, 9)"));
    broken.poll();
    assertSame(before, routes.current());
  }
}
