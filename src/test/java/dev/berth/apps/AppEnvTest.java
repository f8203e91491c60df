package dev.berth.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.SecretBox;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The env service on a real SQLite store: what the deploy engine reads and what is recorded. */
class AppEnvTest {
  record Entry(String action, String target, Map<String, Object> detail) {}

  @TempDir Path dir;
  final List<Entry> recorded = new ArrayList<>();
  final Audit audit =
      (actor, action, target, detail) -> recorded.add(new Entry(action, target, detail));
  final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  final Actor actor = new Actor("u1", "ann@example.com", "203.0.113.1", "req-1");
  Database db;
  Apps apps;
  AppEnv env;

  @BeforeEach
  void open() {
    db = Database.open(Optional.empty(), dir.resolve("berth.db"));
    Migrations.migrate(db, clock);
    var random = new SecureRandom();
    byte[] key = new byte[32];
    random.nextBytes(key);
    apps = new Apps(db, new Ids(clock, random), clock, audit);
    env = new AppEnv(db, new SecretBox(key, random), clock, audit);
    apps.create(actor, new AppName("web"), "", new DeployBranch("main"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void theDeployEngineGetsThePlainEnvironment() {
    var wanted = new HashMap<String, Object>();
    wanted.put("PORT_NAME", "http");
    wanted.put("DATABASE_URL", "postgres://x");
    wanted.put("REMOVED", null);
    env.put(actor, new AppName("web"), wanted);
    assertEquals(
        Map.of("DATABASE_URL", "postgres://x", "PORT_NAME", "http"),
        env.values(new AppName("web")));
    assertEquals(
        List.of("DATABASE_URL", "PORT_NAME"), List.copyOf(env.values(new AppName("web")).keySet()));
    var e = assertThrows(AppsException.class, () -> env.values(new AppName("nope")));
    assertEquals(new AppsError.AppNotFound("nope"), e.error());
  }

  @Test
  void changesAreStampedAndAuditedWithoutValues() {
    env.put(actor, new AppName("web"), Map.of("A", "secret-a"));
    assertEquals(
        List.of(new EnvVar("A", Instant.parse("2026-01-02T03:04:05Z"))),
        env.list(new AppName("web")));
    var last = recorded.getLast();
    assertEquals("env.update", last.action());
    assertEquals("app:web", last.target());
    assertTrue(!last.detail().toString().contains("secret-a"));
    env.reveal(actor, new AppName("web"));
    assertEquals("env.reveal", recorded.getLast().action());
    assertEquals(Map.of("keys", List.of("A")), recorded.getLast().detail());
  }

  @Test
  void aRefusedChangeRecordsNothing() {
    int before = recorded.size();
    assertThrows(
        AppsException.class, () -> env.put(actor, new AppName("web"), Map.of("A", "1", "9", "x")));
    assertThrows(AppsException.class, () -> env.put(actor, new AppName("gone"), Map.of("A", "1")));
    assertEquals(before, recorded.size());
    assertEquals(Map.of(), env.values(new AppName("web")));
  }

  @Test
  void deletingTheAppTakesItsEnv() {
    env.put(actor, new AppName("web"), Map.of("A", "1"));
    apps.delete(actor, new AppName("web"));
    long left = db.read(tx -> tx.count("SELECT COUNT(*) FROM env_vars"));
    assertEquals(0L, left);
    assertEquals("app.delete", recorded.getLast().action());
    assertEquals(1, recorded.getLast().detail().get("env_count"));
    assertEquals(List.of(), apps.list());
  }
}
