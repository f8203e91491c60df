package dev.berth.store;

import dev.berth.core.Log;
import dev.berth.core.StartupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Brings the schema up to date with plain, portable SQL files: the same file runs on SQLite and
 * PostgreSQL. Each migration runs in its own transaction and is recorded in {@code berth_schema}
 * with a checksum, so an edited or unknown migration stops the start instead of corrupting data.
 *
 * <p>The list is written out here (no classpath scanning): add a file under {@code db/} and a line
 * to {@link #ALL}. Never edit a migration that has shipped; add a new one.
 */
public final class Migrations {
  private static final Log LOG = Log.of(Migrations.class);

  /** A migration: its version, its resource name under {@code /db}. */
  public record Migration(int version, String file) {}

  public static final List<Migration> ALL =
      List.of(
          new Migration(1, "V001__core.sql"),
          new Migration(2, "V002__routes.sql"),
          new Migration(3, "V003__domains.sql"),
          new Migration(4, "V004__access.sql"),
          new Migration(5, "V005__app_targets.sql"));

  private Migrations() {}

  /** Applies what is missing; returns the versions it applied. */
  public static List<Integer> migrate(Database db, InstantSource clock) {
    db.write(
        tx ->
            tx.update(
                "CREATE TABLE IF NOT EXISTS berth_schema (version BIGINT PRIMARY KEY,"
                    + " file TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
    Map<Integer, String> applied =
        db
            .read(
                tx ->
                    tx.query(
                        "SELECT version, checksum FROM berth_schema",
                        r -> Map.entry(r.getInt(1), r.getString(2))))
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    int newestKnown = ALL.getLast().version();
    for (int version : applied.keySet()) {
      if (version > newestKnown) {
        throw new StartupException(
            "the store was written by a newer Berth (schema version "
                + version
                + "); run that version or newer");
      }
    }
    var done = new ArrayList<Integer>();
    for (var migration : ALL) {
      String sql = load(migration.file());
      String checksum = sha256(sql);
      String recorded = applied.get(migration.version());
      if (recorded != null) {
        if (!recorded.equals(checksum)) {
          throw new StartupException(
              "migration " + migration.file() + " differs from the one applied to this store");
        }
        continue;
      }
      apply(db, migration, sql, checksum, clock);
      done.add(migration.version());
    }
    return done;
  }

  private static void apply(
      Database db, Migration migration, String sql, String checksum, InstantSource clock) {
    db.write(
        tx -> {
          if (tx.dialect() == Database.Dialect.POSTGRES) {
            // Several servers may start at once against one PostgreSQL; one migrates.
            tx.query("SELECT pg_advisory_xact_lock(4242424242)", r -> r.getObject(1));
            if (tx.count("SELECT count(*) FROM berth_schema WHERE version = ?", migration.version())
                > 0) {
              return null;
            }
          }
          for (String statement : statements(sql)) {
            tx.update(statement);
          }
          tx.update(
              "INSERT INTO berth_schema (version, file, checksum, applied_at) VALUES (?, ?, ?, ?)",
              (long) migration.version(),
              migration.file(),
              checksum,
              clock.millis());
          return null;
        });
    LOG.info("migration applied", "version", migration.version(), "file", migration.file());
  }

  /** Splits on semicolons that end a line; comments ({@code --}) are dropped. */
  static List<String> statements(String sql) {
    var out = new ArrayList<String>();
    var current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String load(String file) {
    try (var in = Migrations.class.getResourceAsStream("/db/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the artifact");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(String text) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For tests: the schema versions a store has. */
  public static List<Integer> appliedVersions(Database db) {
    return db.read(
        tx -> tx.query("SELECT version FROM berth_schema ORDER BY version", r -> r.getInt(1)));
  }
}
