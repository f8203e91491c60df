package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Json;
import dev.berth.store.ChangeListener;
import dev.berth.store.Database;
import dev.berth.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code app_targets} table: each app's live instances, the source of truth every proxy process
 * routes {@code <app>.<domain>} from. After a write, {@link #notifyChange} tells proxies in other
 * processes (PostgreSQL {@code NOTIFY} on {@link #CHANNEL}) to rebuild at once.
 */
public final class AppTargets {
  /** The PostgreSQL notice channel for every change a route table is built from. */
  static final String CHANNEL = "berth_routes";

  private static final String SELECT =
      "SELECT app, instances, balance, updated_at FROM app_targets";

  /** One app's live instances as stored. */
  record Live(String app, List<HostPort> instances, Target.Balance balance, Instant updatedAt) {
    Live {
      instances = List.copyOf(instances);
    }

    Target.Upstreams target() {
      return new Target.Upstreams(instances, balance);
    }
  }

  /** What changes when a row is written or removed (count for deletes, newest time for writes). */
  record Mark(long rows, long newest) {}

  private final Database db;
  private final InstantSource clock;

  public AppTargets(Database db, InstantSource clock) {
    this.db = db;
    this.clock = clock;
  }

  Optional<Live> get(String app) {
    return db.read(tx -> find(tx, app));
  }

  /** Every app with live instances, by app name. */
  Map<String, Live> all() {
    var out = new LinkedHashMap<String, Live>();
    for (var live : db.read(tx -> tx.query(SELECT + " ORDER BY app", AppTargets::row))) {
      out.put(live.app(), live);
    }
    return out;
  }

  /**
   * Replaces the app's live instances in one transaction (no instances: removes the row) and
   * returns what was live before.
   */
  Optional<Live> replace(String app, List<HostPort> instances, Target.Balance balance) {
    long now = clock.millis();
    var before =
        db.write(
            tx -> {
              var previous = find(tx, app);
              tx.update("DELETE FROM app_targets WHERE app = ?", app);
              if (!instances.isEmpty()) {
                tx.update(
                    "INSERT INTO app_targets (app, instances, balance, updated_at)"
                        + " VALUES (?, ?, ?, ?)",
                    app,
                    Json.write(instances.stream().map(HostPort::toString).toList()),
                    balance.name().toLowerCase(Locale.ROOT),
                    // Strictly newer than the row it replaces, so pollers see the change even
                    // when two switches fall in one millisecond.
                    Math.max(now, previous.map(p -> p.updatedAt().toEpochMilli() + 1).orElse(now)));
              }
              return previous;
            });
    return before;
  }

  Mark mark() {
    return db.read(
        tx ->
            tx.one(
                    "SELECT count(*), max(updated_at) FROM app_targets",
                    r -> new Mark(r.getLong(1), r.getLong(2)))
                .orElseThrow());
  }

  void notifyChange() {
    db.notifyChange(CHANNEL);
  }

  Optional<ChangeListener> listen() {
    return db.listen(CHANNEL);
  }

  private static Optional<Live> find(Tx tx, String app) throws SQLException {
    return tx.one(SELECT + " WHERE app = ?", AppTargets::row, app);
  }

  private static Live row(ResultSet row) throws SQLException {
    @SuppressWarnings("unchecked")
    var instances = (List<String>) Json.parse(row.getString("instances"));
    return new Live(
        row.getString("app"),
        instances.stream().map(HostPort::parse).toList(),
        Target.Balance.valueOf(row.getString("balance").toUpperCase(Locale.ROOT)),
        Instant.ofEpochMilli(row.getLong("updated_at")));
  }
}
