package dev.berth.apps;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.store.Database;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Creates, reads, changes and deletes apps. Each change is one transaction, recorded in the audit
 * log once it committed.
 */
public final class Apps {
  public static final int MAX_DESCRIPTION = 500;

  /** What a {@code PATCH} asks to change; an empty field stays as it is. */
  public record Changes(Optional<String> description, Optional<DeployBranch> deployBranch) {}

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;
  private final Audit audit;

  public Apps(Database db, Ids ids, InstantSource clock, Audit audit) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
    this.audit = audit;
  }

  public App create(Actor actor, AppName name, String description, DeployBranch branch) {
    checkDescription(description);
    String id = ids.next();
    long now = clock.millis();
    var app =
        db.write(
            tx -> {
              if (AppRows.byName(tx, name).isPresent()) {
                throw new AppsException(new AppsError.AppExists(name));
              }
              try {
                tx.update(
                    "INSERT INTO apps (id, name, description, deploy_branch, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    id,
                    name.value(),
                    description,
                    branch.value(),
                    now,
                    now);
              } catch (SQLException e) {
                if (AppRows.isDuplicate(e)) {
                  throw new AppsException(new AppsError.AppExists(name));
                }
                throw e;
              }
              return AppRows.byName(tx, name).orElseThrow();
            });
    audit.record(
        actor,
        "app.create",
        target(name),
        Json.obj("id", id, "name", name.value(), "deploy_branch", branch.value()));
    return app;
  }

  public List<App> list() {
    return db.read(AppRows::all);
  }

  public Optional<App> find(AppName name) {
    return db.read(tx -> AppRows.byName(tx, name));
  }

  public App get(AppName name) {
    return find(name).orElseThrow(() -> new AppsException(new AppsError.AppNotFound(name.value())));
  }

  /** Applies {@code changes}; fields given with their current value do not count as changed. */
  public App update(Actor actor, AppName name, Changes changes) {
    changes.description().ifPresent(Apps::checkDescription);
    var changed = new ArrayList<String>();
    var app =
        db.write(
            tx -> {
              AppRows.lock(tx, name);
              var before = AppRows.byName(tx, name).orElseThrow();
              String description = changes.description().orElse(before.description());
              var branch = changes.deployBranch().orElse(before.deployBranch());
              if (!description.equals(before.description())) {
                changed.add("description");
              }
              if (!branch.equals(before.deployBranch())) {
                changed.add("deploy_branch");
              }
              if (changed.isEmpty()) {
                return before;
              }
              tx.update(
                  "UPDATE apps SET description = ?, deploy_branch = ?, updated_at = ? WHERE id = ?",
                  description,
                  branch.value(),
                  clock.millis(),
                  before.id().value());
              return AppRows.byName(tx, name).orElseThrow();
            });
    if (!changed.isEmpty()) {
      audit.record(
          actor,
          "app.update",
          target(name),
          Json.obj(
              "fields", changed,
              "description", app.description(),
              "deploy_branch", app.deployBranch().value()));
    }
    return app;
  }

  /** Deletes the app and its env vars in one transaction. */
  public void delete(Actor actor, AppName name) {
    var gone =
        db.write(
            tx -> {
              var id = AppRows.lock(tx, name);
              var app = AppRows.byName(tx, name).orElseThrow();
              tx.update("DELETE FROM env_vars WHERE app_id = ?", id.value());
              tx.update("DELETE FROM apps WHERE id = ?", id.value());
              return app;
            });
    audit.record(
        actor,
        "app.delete",
        target(name),
        Json.obj("id", gone.id().value(), "env_count", gone.envCount()));
  }

  static String target(AppName name) {
    return "app:" + name.value();
  }

  private static void checkDescription(String description) {
    if (description.length() > MAX_DESCRIPTION) {
      throw new AppsException(
          new AppsError.InvalidField(
              "description", "description is longer than " + MAX_DESCRIPTION + " characters"));
    }
    if (description.chars().anyMatch(Character::isISOControl)) {
      throw new AppsException(
          new AppsError.InvalidField(
              "description", "description must be one line without control characters"));
    }
  }
}
