package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.TestPlatform;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The access-record writer against a real store: SQLite, or PostgreSQL when configured. */
@Timeout(60)
class AccessLogIT {
  static final long DAY = Duration.ofDays(1).toMillis();
  @TempDir Path temp;
  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final Metrics metrics = new Metrics();
  private Optional<TestPlatform.PostgresDb> postgres;
  private Database db;
  private AccessLog log;

  @BeforeEach
  void open() throws Exception {
    postgres = TestPlatform.PostgresDb.createIfConfigured();
    db =
        Database.open(
            postgres.map(TestPlatform.PostgresDb::url),
            Files.createDirectories(temp).resolve("a.db"));
    Migrations.migrate(db, clock);
  }

  @AfterEach
  void close() {
    if (log != null) {
      log.stop();
    }
    db.close();
    postgres.ifPresent(TestPlatform.PostgresDb::drop);
  }

  private AccessLog log(int capacity, int batch) {
    var settings =
        new AccessLog.Settings(
            capacity,
            batch,
            Duration.ofMillis(30),
            Duration.ofDays(7),
            Duration.ofDays(365),
            2,
            Duration.ofSeconds(3));
    log = new AccessLog(db, clock, new Ids(clock, new Random(5)), metrics, settings);
    return log;
  }

  static AccessRecord record(long at, String host, String path) {
    return new AccessRecord(
        at, host, "GET", path, 200, 12, 345, "127.0.0.1:9000", "10.0.0.1", "r1");
  }

  private long rows() {
    return db.read(tx -> tx.count("SELECT count(*) FROM access_records"));
  }

  @Test
  void writesQueuedRecordsInBatchesOfAtMostTheBatchSize() throws Exception {
    var log = log(100, 5);
    for (int i = 0; i < 12; i++) {
      log.record(record(now.get() + i, "a.test", "/" + i));
    }
    log.start();
    waitFor(() -> log.written() == 12);
    assertEquals(12, rows());
    assertEquals(3, log.batches());
    assertEquals(0, log.dropped());
    var stored = new AccessRecords(db).list(Optional.empty(), Optional.empty(), 50);
    assertEquals("/11", stored.getFirst().path());
    assertEquals("/0", stored.getLast().path());
    var first = stored.getLast();
    assertEquals(Instant.ofEpochMilli(now.get()), first.at());
    assertEquals(200, first.status());
    assertEquals(345, first.durationUs());
    assertEquals("127.0.0.1:9000", first.upstream());
    assertTrue(
        metrics.render().contains("berth_proxy_access_records_total{result=\"written\"} 12"));
  }

  @Test
  void keepsOddTextFromFailingABatch() throws Exception {
    var log = log(100, 50);
    log.record(
        new AccessRecord(now.get(), "A.Test", "PUT", "/x\u0000y\ud800", 502, 0, 1, null, "c", "r"));
    log.record(record(now.get(), "a.test", "/" + "p".repeat(10_000)));
    log.start();
    waitFor(() -> log.written() == 2);
    var stored = new AccessRecords(db).list(Optional.of("a.test"), Optional.empty(), 10);
    assertEquals(2, stored.size());
    var odd = stored.stream().filter(r -> r.status() == 502).findFirst().orElseThrow();
    assertEquals("/x\uFFFDy\uFFFD", odd.path());
    assertEquals(null, odd.upstream());
    assertTrue(stored.stream().anyMatch(r -> r.path().length() == AccessLog.MAX_PATH));
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlockingWhileTheStoreIsStuck() throws Exception {
    var log = log(10, 100);
    var holding = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var blocker = Thread.ofVirtual().start(() -> block(holding, release));
    holding.await();
    log.start();
    log.record(record(now.get(), "a.test", "/first"));
    waitFor(() -> log.depth() == 0);
    Thread.sleep(300); // past the batch window: the writer now waits on the store
    long started = System.nanoTime();
    for (int i = 0; i < 15; i++) {
      log.record(record(now.get(), "a.test", "/" + i));
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMillis < 200, "record() took " + tookMillis + " ms in all");
    assertEquals(10, log.depth());
    assertEquals(5, log.dropped());
    assertTrue(metrics.render().contains("berth_proxy_access_queue_depth 10"));
    assertTrue(metrics.render().contains("berth_proxy_access_records_total{result=\"dropped\"} 5"));
    release.countDown();
    blocker.join();
    waitFor(() -> log.written() == 11);
    assertEquals(11, rows());
  }

  /** Holds the store: SQLite's one writer connection, or a table lock on PostgreSQL. */
  private void block(CountDownLatch holding, CountDownLatch release) {
    db.write(
        tx -> {
          if (tx.dialect() == Database.Dialect.POSTGRES) {
            tx.update("LOCK TABLE access_records IN ACCESS EXCLUSIVE MODE");
          }
          holding.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
  }

  @Test
  void aDeadStoreCostsOnlyRecords() throws Exception {
    var log = log(100, 10);
    log.start();
    db.close();
    for (int i = 0; i < 20; i++) {
      log.record(record(now.get(), "a.test", "/" + i));
    }
    waitFor(() -> log.dropped() == 20);
    assertEquals(0, log.written());
    log.record(null);
    assertEquals(21, log.dropped());
  }

  @Test
  void prunesRecordsOlderThanTheRetentionInSmallBatches() {
    var log = log(100, 10);
    var old = new java.util.ArrayList<AccessRecord>();
    for (int i = 0; i < 5; i++) {
      old.add(record(now.get() - 8 * DAY - i, "a.test", "/old" + i));
    }
    old.add(record(now.get() - 6 * DAY, "a.test", "/recent"));
    old.add(record(now.get(), "a.test", "/now"));
    log.write(old);
    assertEquals(7, rows());
    assertEquals(5, log.prune());
    assertEquals(
        List.of("/now", "/recent"),
        new AccessRecords(db)
            .list(Optional.empty(), Optional.empty(), 10).stream()
                .map(AccessRecords.Stored::path)
                .toList());
    now.addAndGet(2 * DAY);
    assertEquals(1, log.prune());
    assertEquals(0, log.prune());
  }

  @Test
  void stopWritesWhatIsQueued() {
    var log = log(1000, 7);
    log.start();
    for (int i = 0; i < 50; i++) {
      log.record(record(now.get(), "a.test", "/" + i));
    }
    log.stop();
    assertEquals(50, log.written());
    assertEquals(50, rows());
    log.record(record(now.get(), "a.test", "/late"));
    assertEquals(1, log.dropped());
  }

  @Test
  void countsTrafficPerMinuteByStatusClass() {
    var log = log(100, 10);
    long minute = now.get() / 60_000 * 60_000;
    log.write(
        List.of(
            record(minute + 1, "app.test", "/"),
            new AccessRecord(minute + 2, "app.test", "GET", "/", 503, 0, 1, null, "c", "r"),
            record(minute - 60_000, "app.test", "/"),
            record(minute - 10 * 60_000, "app.test", "/"),
            record(minute + 3, "other.test", "/")));
    var buckets = new AccessRecords(db).traffic(List.of("app.test"), now.get(), 3);
    assertEquals(3, buckets.size());
    assertEquals(Instant.ofEpochMilli(minute - 120_000), buckets.get(0).at());
    assertEquals(0, buckets.get(0).requests());
    assertEquals(1, buckets.get(1).requests());
    assertEquals(2, buckets.get(2).requests());
    assertEquals(1L, buckets.get(2).statuses().get("5xx"));
    assertEquals(1L, buckets.get(2).statuses().get("2xx"));
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 20 s");
      }
      Thread.sleep(10);
    }
  }
}
