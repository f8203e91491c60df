package dev.berth.apps;

import dev.berth.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The SQL for the {@code apps} table, shared by the services of this package. */
final class AppRows {
  private static final String SELECT =
      "SELECT a.id, a.name, a.description, a.deploy_branch, a.created_at, a.updated_at,"
          + " (SELECT COUNT(*) FROM env_vars e WHERE e.app_id = a.id) AS env_count FROM apps a";

  private AppRows() {}

  static Optional<App> byName(Tx tx, AppName name) throws SQLException {
    return tx.one(SELECT + " WHERE a.name = ?", AppRows::app, name.value());
  }

  /**
   * All apps by name. Sorted here rather than in SQL: PostgreSQL's collation may ignore '-' when
   * ordering, SQLite's never does, and the order must not depend on the store.
   */
  static List<App> all(Tx tx) throws SQLException {
    var apps = tx.query(SELECT, AppRows::app);
    apps.sort(Comparator.comparing(app -> app.name().value()));
    return apps;
  }

  /**
   * Finds an app for a change and holds it until the transaction ends: the no-op update takes
   * PostgreSQL's row lock, so concurrent changes to one app's env queue up instead of both passing
   * the 500-variable check; SQLite's single writer serialises them anyway.
   */
  static AppId lock(Tx tx, AppName name) throws SQLException {
    if (tx.update("UPDATE apps SET name = name WHERE name = ?", name.value()) == 0) {
      throw new AppsException(new AppsError.AppNotFound(name.value()));
    }
    return tx.one(
            "SELECT id FROM apps WHERE name = ?", r -> new AppId(r.getString(1)), name.value())
        .orElseThrow();
  }

  /** A unique constraint refused the insert (a concurrent create of the same name). */
  static boolean isDuplicate(SQLException e) {
    String state = e.getSQLState();
    String message = String.valueOf(e.getMessage());
    return "23505".equals(state) || message.contains("UNIQUE constraint failed");
  }

  private static App app(ResultSet row) throws SQLException {
    return new App(
        new AppId(row.getString("id")),
        new AppName(row.getString("name")),
        row.getString("description"),
        new DeployBranch(row.getString("deploy_branch")),
        Instant.ofEpochMilli(row.getLong("created_at")),
        Instant.ofEpochMilli(row.getLong("updated_at")),
        (int) row.getLong("env_count"));
  }
}
