package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.TestPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NOTIFY from one store handle reaches a LISTEN on another at once (PostgreSQL only). */
class ChangeListenerIT {
  @TempDir Path temp;

  @Test
  void sqliteHasNoListenerAndNotifyIsANoOp() {
    try (var db = Database.open(Optional.empty(), temp.resolve("berth.db"))) {
      assertTrue(db.listen("berth_routes").isEmpty());
      db.notifyChange("berth_routes");
    }
  }

  @Test
  void aNoticeWakesTheListenerAtOnce() throws Exception {
    var pg = TestPlatform.PostgresDb.createIfConfigured();
    Assumptions.assumeTrue(pg.isPresent(), "needs -Dberth.test.databaseUrl");
    try (var writer = Database.open(Optional.of(pg.get().url()), temp.resolve("unused"));
        var reader = Database.open(Optional.of(pg.get().url()), temp.resolve("unused"));
        var listener = reader.listen("berth_routes").orElseThrow()) {
      assertFalse(listener.await(Duration.ofMillis(200)), "nothing was sent yet");
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                writer.notifyChange("berth_routes");
              });
      long started = System.nanoTime();
      assertTrue(listener.await(Duration.ofSeconds(5)));
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis < 1_000, "woke after " + millis + " ms");
      writer.notifyChange("other_channel");
      assertFalse(listener.await(Duration.ofMillis(300)), "another channel is not ours");
    } finally {
      pg.get().drop();
    }
  }
}
