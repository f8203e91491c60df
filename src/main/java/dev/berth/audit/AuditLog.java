package dev.berth.audit;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.store.Database;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stores audit entries; one row each, written in its own transaction. */
public final class AuditLog implements Audit {
  /** One recorded change. */
  public record Entry(
      String id,
      Instant at,
      String userId,
      String actor,
      String action,
      String target,
      Object detail,
      String address,
      String requestId) {}

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;

  public AuditLog(Database db, Ids ids, InstantSource clock) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public void record(Actor actor, String action, String target, Map<String, Object> detail) {
    db.write(
        tx ->
            tx.update(
                "INSERT INTO audit_log (id, at, user_id, actor, action, target, detail, address,"
                    + " request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ids.next(),
                clock.millis(),
                actor.userId(),
                actor.name(),
                action,
                target,
                Json.write(detail == null ? Map.of() : detail),
                actor.address(),
                actor.requestId()));
  }

  /**
   * Entries newest first. {@code before} is an entry id to page from; {@code action} filters by
   * action prefix ({@code app.} for every app change).
   */
  public List<Entry> list(int limit, Optional<String> before, Optional<String> action) {
    var sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
    var args = new java.util.ArrayList<Object>();
    before.ifPresent(
        id -> {
          sql.append(" AND id < ?");
          args.add(id);
        });
    action.ifPresent(
        prefix -> {
          sql.append(" AND action LIKE ? ESCAPE '!'");
          args.add(prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        });
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add((long) limit);
    return db.read(tx -> tx.query(sql.toString(), AuditLog::entry, args.toArray()));
  }

  private static Entry entry(java.sql.ResultSet row) throws java.sql.SQLException {
    return new Entry(
        row.getString("id"),
        Instant.ofEpochMilli(row.getLong("at")),
        row.getString("user_id"),
        row.getString("actor"),
        row.getString("action"),
        row.getString("target"),
        Json.parse(row.getString("detail")),
        row.getString("address"),
        row.getString("request_id"));
  }
}
