package dev.berth.apps;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Json;
import dev.berth.core.SecretBox;
import dev.berth.store.Database;
import dev.berth.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An app's environment variables. Values are sealed with {@link SecretBox} under associated data
 * {@code env:<appId>:<KEY>}, so a sealed value copied to another key or app does not open. Values
 * leave this class only through {@link #reveal(Actor, AppName)} (audited) and {@link
 * #values(AppName)} (for the deploy engine); logs and audit entries carry keys only.
 */
public final class AppEnv {
  /** One variable with its plain value. */
  public record Revealed(String key, String value, Instant updatedAt) {}

  private record Row(String key, String sealed, long updatedAt) {}

  private final Database db;
  private final SecretBox box;
  private final InstantSource clock;
  private final Audit audit;

  public AppEnv(Database db, SecretBox box, InstantSource clock, Audit audit) {
    this.db = db;
    this.box = box;
    this.clock = clock;
    this.audit = audit;
  }

  /** Keys and change times, sorted by key. */
  public List<EnvVar> list(AppName name) {
    return db.read(
        tx -> {
          var id = appId(tx, name);
          return rows(tx, id).stream()
              .map(row -> new EnvVar(row.key(), Instant.ofEpochMilli(row.updatedAt())))
              .toList();
        });
  }

  /**
   * Sets the keys mapped to strings and removes the keys mapped to null, all or nothing: a bad key
   * or value anywhere refuses the whole request before anything is written.
   */
  public EnvChange put(Actor actor, AppName name, Map<String, Object> wanted) {
    for (var entry : wanted.entrySet()) {
      var problem =
          EnvRules.keyProblem(entry.getKey())
              .or(() -> EnvRules.valueProblem(entry.getKey(), entry.getValue()));
      if (problem.isPresent()) {
        throw new AppsException(new AppsError.InvalidEnv(entry.getKey(), problem.get()));
      }
    }
    var change = db.write(tx -> apply(tx, AppRows.lock(tx, name), wanted));
    if (!change.isEmpty()) {
      audit.record(
          actor,
          "env.update",
          Apps.target(name),
          Json.obj(
              "added", change.added(), "updated", change.updated(), "removed", change.removed()));
    }
    return change;
  }

  private enum Outcome {
    ADDED,
    UPDATED,
    REMOVED,
    UNCHANGED
  }

  private EnvChange apply(Tx tx, AppId id, Map<String, Object> wanted) throws SQLException {
    var existing = new LinkedHashMap<String, Row>();
    rows(tx, id).forEach(row -> existing.put(row.key(), row));
    var added = new ArrayList<String>();
    var updated = new ArrayList<String>();
    var removed = new ArrayList<String>();
    for (var entry : new TreeMap<>(wanted).entrySet()) {
      String key = entry.getKey();
      switch (applyOne(tx, id, key, (String) entry.getValue(), existing.get(key))) {
        case ADDED -> added.add(key);
        case UPDATED -> updated.add(key);
        case REMOVED -> removed.add(key);
        case UNCHANGED -> {}
      }
    }
    int total = existing.size() + added.size() - removed.size();
    if (total > EnvRules.MAX_VARS) {
      throw new AppsException(new AppsError.TooManyEnvVars(total, EnvRules.MAX_VARS));
    }
    var env =
        rows(tx, id).stream()
            .map(row -> new EnvVar(row.key(), Instant.ofEpochMilli(row.updatedAt())))
            .toList();
    return new EnvChange(added, updated, removed, env);
  }

  /** Sets ({@code value} non-null) or removes one key; {@code old} is its current row, if any. */
  private Outcome applyOne(Tx tx, AppId id, String key, String value, Row old) throws SQLException {
    if (value == null) {
      if (old == null) {
        return Outcome.UNCHANGED;
      }
      tx.update("DELETE FROM env_vars WHERE app_id = ? AND name = ?", id.value(), key);
      return Outcome.REMOVED;
    }
    if (old != null && value.equals(openOrNull(id, old))) {
      return Outcome.UNCHANGED;
    }
    String sealed = box.seal(value, associatedData(id, key));
    long now = clock.millis();
    if (old == null) {
      tx.update(
          "INSERT INTO env_vars (app_id, name, sealed_value, updated_at) VALUES (?, ?, ?, ?)",
          id.value(),
          key,
          sealed,
          now);
      return Outcome.ADDED;
    }
    tx.update(
        "UPDATE env_vars SET sealed_value = ?, updated_at = ? WHERE app_id = ? AND name = ?",
        sealed,
        now,
        id.value(),
        key);
    return Outcome.UPDATED;
  }

  /** The plain values for a person who asked to see them; the reveal is audited (keys only). */
  public List<Revealed> reveal(Actor actor, AppName name) {
    var revealed = openAll(name);
    audit.record(
        actor,
        "env.reveal",
        Apps.target(name),
        Json.obj("keys", revealed.stream().map(Revealed::key).toList()));
    return revealed;
  }

  /** The app's environment as a process receives it (for the deploy engine; not audited). */
  public Map<String, String> values(AppName name) {
    var revealed = openAll(name);
    var env = new TreeMap<String, String>();
    revealed.forEach(v -> env.put(v.key(), v.value()));
    return env;
  }

  private List<Revealed> openAll(AppName name) {
    return db.read(
        tx -> {
          var id = appId(tx, name);
          return open(id, rows(tx, id));
        });
  }

  private List<Revealed> open(AppId id, List<Row> rows) {
    var out = new ArrayList<Revealed>();
    var unreadable = new ArrayList<String>();
    for (var row : rows) {
      String value = openOrNull(id, row);
      if (value == null) {
        unreadable.add(row.key());
      } else {
        out.add(new Revealed(row.key(), value, Instant.ofEpochMilli(row.updatedAt())));
      }
    }
    if (!unreadable.isEmpty()) {
      throw new AppsException(new AppsError.EnvUnreadable(unreadable));
    }
    return out;
  }

  private String openOrNull(AppId id, Row row) {
    try {
      return box.open(row.sealed(), associatedData(id, row.key()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Binds a sealed value to its app and key. */
  static String associatedData(AppId id, String key) {
    return "env:" + id.value() + ":" + key;
  }

  private static AppId appId(Tx tx, AppName name) throws SQLException {
    return tx.one(
            "SELECT id FROM apps WHERE name = ?", r -> new AppId(r.getString(1)), name.value())
        .orElseThrow(() -> new AppsException(new AppsError.AppNotFound(name.value())));
  }

  /** Sorted by key in Java, so the order is the same on SQLite and PostgreSQL. */
  private static List<Row> rows(Tx tx, AppId id) throws SQLException {
    var rows =
        tx.query(
            "SELECT name, sealed_value, updated_at FROM env_vars WHERE app_id = ?",
            r -> new Row(r.getString(1), r.getString(2), r.getLong(3)),
            id.value());
    rows.sort(Comparator.comparing(Row::key));
    return rows;
  }
}
