package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.StartupException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
  @TempDir Path temp;

  @Test
  void splitsStatementsAndDropsComments() {
    var parts =
        Migrations.statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i\n  ON a (x);\n");
    assertEquals(List.of("CREATE TABLE a (x TEXT)", "CREATE INDEX i\n  ON a (x)"), parts);
  }

  @Test
  void appliesOnceAndIsIdempotent() {
    try (var db = Database.open(Optional.empty(), temp.resolve("m.db"))) {
      var applied = Migrations.migrate(db, InstantSource.system());
      assertEquals(Migrations.ALL.size(), applied.size());
      assertTrue(Migrations.migrate(db, InstantSource.system()).isEmpty());
      assertEquals(
          Migrations.ALL.stream().map(Migrations.Migration::version).toList(),
          Migrations.appliedVersions(db));
    }
  }

  @Test
  void anEditedMigrationStopsTheStart() {
    try (var db = Database.open(Optional.empty(), temp.resolve("e.db"))) {
      Migrations.migrate(db, InstantSource.system());
      db.write(tx -> tx.update("UPDATE berth_schema SET checksum = 'x' WHERE version = 1"));
      var e =
          assertThrows(
              StartupException.class, () -> Migrations.migrate(db, InstantSource.system()));
      assertTrue(e.getMessage().contains("differs"), e.getMessage());
    }
  }

  @Test
  void aStoreFromANewerBerthIsRefused() {
    try (var db = Database.open(Optional.empty(), temp.resolve("n.db"))) {
      Migrations.migrate(db, InstantSource.system());
      db.write(
          tx ->
              tx.update(
                  "INSERT INTO berth_schema (version, file, checksum, applied_at) VALUES (999, 'f', 'c', 0)"));
      var e =
          assertThrows(
              StartupException.class, () -> Migrations.migrate(db, InstantSource.system()));
      assertTrue(e.getMessage().contains("newer Berth"), e.getMessage());
    }
  }

  @Test
  void aFailedWriteLeavesNothingBehind() {
    try (var db = Database.open(Optional.empty(), temp.resolve("r.db"))) {
      Migrations.migrate(db, InstantSource.system());
      assertThrows(
          IllegalStateException.class,
          () ->
              db.write(
                  tx -> {
                    tx.update("INSERT INTO settings (name, value) VALUES ('a', 'b')");
                    throw new IllegalStateException("boom");
                  }));
      assertEquals(0L, (long) db.read(tx -> tx.count("SELECT count(*) FROM settings")));
    }
  }
}
