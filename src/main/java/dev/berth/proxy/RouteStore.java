package dev.berth.proxy;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Json;
import dev.berth.store.Database;
import dev.berth.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code routes} table: routes to services Berth did not deploy. Each change is one
 * transaction, audited once it committed. Hosts Berth serves itself (the console host, app hosts)
 * are refused here; the table builder also lets Berth's own hosts win, for an app created after a
 * route to its host.
 */
public final class RouteStore {
  private static final Comparator<StoredRoute> BY_HOST_THEN_PREFIX =
      Comparator.comparing(StoredRoute::host).thenComparing(StoredRoute::pathPrefix);
  private static final String SELECT =
      "SELECT host, path_prefix, targets, balance, root, spa, created_at, updated_at FROM routes";

  /**
   * What changes when routes or apps change: counts catch deletes, the newest update time catches
   * creates and edits. Cheap enough to read every second.
   */
  record ChangeMark(long routes, long routesUpdated, long apps, long appsUpdated) {}

  private final Database db;
  private final InstantSource clock;
  private final Audit audit;
  private final String domain;
  private final AppNames apps;

  public RouteStore(Database db, InstantSource clock, Audit audit, String domain, AppNames apps) {
    this.db = db;
    this.clock = clock;
    this.audit = audit;
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.apps = apps;
  }

  public StoredRoute create(Actor actor, NewRoute route) {
    checkNotBerths(route.host());
    long now = clock.millis();
    var stored =
        db.write(
            tx -> {
              if (find(tx, route.host(), route.pathPrefix()).isPresent()) {
                throw exists(route);
              }
              try {
                tx.update(
                    "INSERT INTO routes (host, path_prefix, targets, balance, root, spa,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    route.host(),
                    route.pathPrefix(),
                    Json.write(route.targets()),
                    route.balance().name().toLowerCase(Locale.ROOT),
                    route.root(),
                    route.spa(),
                    now,
                    now);
              } catch (SQLException e) {
                if (isDuplicate(e)) {
                  throw exists(route);
                }
                throw e;
              }
              return find(tx, route.host(), route.pathPrefix()).orElseThrow();
            });
    audit.record(
        actor,
        "route.create",
        target(route.host()),
        Json.obj(
            "path_prefix", route.pathPrefix(),
            "targets", route.targets(),
            "balance", route.balance(),
            "root", route.root(),
            "spa", route.spa()));
    return stored;
  }

  /** Every route, by host then path prefix (sorted here so both stores give one order). */
  public List<StoredRoute> list() {
    return db.read(tx -> sorted(tx.query(SELECT, RouteStore::row)));
  }

  /** The routes of one host; {@link RoutesError.RouteNotFound} when it has none. */
  public List<StoredRoute> forHost(String host) {
    var found = db.read(tx -> sorted(tx.query(SELECT + " WHERE host = ?", RouteStore::row, host)));
    if (found.isEmpty()) {
      throw new RoutesException(new RoutesError.RouteNotFound(host, Optional.empty()));
    }
    return found;
  }

  /** Removes every route of {@code host}, or only the one with {@code prefix}; returns them. */
  public List<StoredRoute> delete(Actor actor, String host, Optional<String> prefix) {
    var gone =
        db.write(
            tx -> {
              var doomed =
                  prefix.isPresent()
                      ? find(tx, host, prefix.get()).stream().toList()
                      : sorted(tx.query(SELECT + " WHERE host = ?", RouteStore::row, host));
              if (doomed.isEmpty()) {
                throw new RoutesException(new RoutesError.RouteNotFound(host, prefix));
              }
              for (var route : doomed) {
                tx.update(
                    "DELETE FROM routes WHERE host = ? AND path_prefix = ?",
                    route.host(),
                    route.pathPrefix());
              }
              return doomed;
            });
    audit.record(
        actor,
        "route.delete",
        target(host),
        Json.obj("path_prefixes", gone.stream().map(StoredRoute::pathPrefix).toList()));
    return gone;
  }

  ChangeMark changeMark() {
    return db.read(
        tx ->
            tx.one(
                    "SELECT (SELECT count(*) FROM routes), (SELECT max(updated_at) FROM routes),"
                        + " (SELECT count(*) FROM apps), (SELECT max(updated_at) FROM apps)",
                    r -> new ChangeMark(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)))
                .orElseThrow());
  }

  /** The console host and app hosts are Berth's; so is every host a wildcard under the domain. */
  private void checkNotBerths(String host) {
    if (host.equals("berth." + domain)) {
      throw taken(host, "the Berth console");
    }
    if (host.equals("*." + domain)) {
      throw taken(host, "Berth's app hosts");
    }
    String suffix = "." + domain;
    if (host.endsWith(suffix)) {
      String label = host.substring(0, host.length() - suffix.length());
      if (label.indexOf('.') < 0 && apps.list().contains(label)) {
        throw taken(host, "the app " + label);
      }
    }
  }

  private static RoutesException taken(String host, String owner) {
    return new RoutesException(new RoutesError.HostTaken(host, owner));
  }

  private static RoutesException exists(NewRoute route) {
    return new RoutesException(new RoutesError.RouteExists(route.host(), route.pathPrefix()));
  }

  private static Optional<StoredRoute> find(Tx tx, String host, String prefix) throws SQLException {
    return tx.one(SELECT + " WHERE host = ? AND path_prefix = ?", RouteStore::row, host, prefix);
  }

  private static List<StoredRoute> sorted(List<StoredRoute> routes) {
    routes.sort(BY_HOST_THEN_PREFIX);
    return routes;
  }

  /** A unique constraint refused the insert (a concurrent create of the same route). */
  private static boolean isDuplicate(SQLException e) {
    return "23505".equals(e.getSQLState())
        || String.valueOf(e.getMessage()).contains("UNIQUE constraint failed");
  }

  static String target(String host) {
    return "route:" + host;
  }

  private static StoredRoute row(ResultSet row) throws SQLException {
    @SuppressWarnings("unchecked")
    var targets = (List<String>) Json.parse(row.getString("targets"));
    return new StoredRoute(
        row.getString("host"),
        row.getString("path_prefix"),
        targets,
        Target.Balance.valueOf(row.getString("balance").toUpperCase(Locale.ROOT)),
        Instant.ofEpochMilli(row.getLong("created_at")),
        Instant.ofEpochMilli(row.getLong("updated_at")),
        row.getString("root"),
        row.getLong("spa") == 1);
  }
}
