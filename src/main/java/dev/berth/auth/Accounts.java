package dev.berth.auth;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.core.Principal;
import dev.berth.core.Role;
import dev.berth.store.Database;
import dev.berth.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Users and their passwords. Passwords are hashed before a transaction opens (bcrypt takes about a
 * tenth of a second and SQLite has one writer). Every change that could remove the last admin
 * checks the admin count inside the same transaction, locking the admin rows on PostgreSQL.
 */
public final class Accounts {
  /** A user with the password hash, for checking a sign-in. */
  record Credentials(User user, String passwordHash) {}

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;
  private final Passwords passwords;
  private final Audit audit;

  Accounts(Database db, Ids ids, InstantSource clock, Passwords passwords, Audit audit) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
    this.passwords = passwords;
    this.audit = audit;
  }

  public List<User> list() {
    return db.read(tx -> tx.query("SELECT * FROM users ORDER BY created_at, id", Accounts::user));
  }

  public User get(String id) {
    return db.read(tx -> find(tx, id)).orElseThrow(() -> notFound(id));
  }

  Optional<Credentials> credentials(String email) {
    return db.read(
        tx ->
            tx.one(
                "SELECT * FROM users WHERE email = ?",
                r -> new Credentials(user(r), r.getString("password_hash")),
                Email.normalize(email)));
  }

  public User create(Actor actor, String email, String password, Role role) {
    var address = Email.parse("email", email);
    String hash = passwords.hash("password", password);
    long now = clock.millis();
    var user = new User(ids.next(), address.value(), role, Instant.ofEpochMilli(now));
    db.write(
        tx -> {
          if (tx.count("SELECT count(*) FROM users WHERE email = ?", user.email()) > 0) {
            throw new AuthException(new AuthError.EmailTaken(user.email()));
          }
          return tx.update(
              "INSERT INTO users (id, email, password_hash, role, created_at, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?)",
              user.id(),
              user.email(),
              hash,
              role.wire(),
              now,
              now);
        });
    audit.record(
        actor, "user.create", "user:" + user.id(), Json.obj("email", user.email(), "role", role));
    return user;
  }

  /** Changes a user's role and/or password; a new password signs the user out everywhere. */
  public User update(Actor actor, String id, Optional<Role> role, Optional<String> password) {
    Optional<String> hash = password.map(p -> passwords.hash("password", p));
    long now = clock.millis();
    User updated =
        db.write(
            tx -> {
              User user = find(tx, id).orElseThrow(() -> notFound(id));
              Role newRole = role.orElse(user.role());
              if (user.role() == Role.ADMIN && newRole != Role.ADMIN && adminCount(tx) <= 1) {
                throw new AuthException(new AuthError.LastAdmin());
              }
              tx.update(
                  "UPDATE users SET role = ?, updated_at = ? WHERE id = ?",
                  newRole.wire(),
                  now,
                  id);
              if (hash.isPresent()) {
                setPassword(tx, id, hash.get(), now, null);
              }
              return new User(user.id(), user.email(), newRole, user.createdAt());
            });
    var detail = Json.obj("email", updated.email());
    role.ifPresent(r -> detail.put("role", r));
    password.ifPresent(p -> detail.put("password_changed", true));
    audit.record(actor, "user.update", "user:" + id, detail);
    return updated;
  }

  public void delete(Actor actor, String id) {
    User deleted =
        db.write(
            tx -> {
              User user = find(tx, id).orElseThrow(() -> notFound(id));
              if (user.role() == Role.ADMIN && adminCount(tx) <= 1) {
                throw new AuthException(new AuthError.LastAdmin());
              }
              tx.update("DELETE FROM sessions WHERE user_id = ?", id);
              tx.update("DELETE FROM api_tokens WHERE user_id = ?", id);
              tx.update("DELETE FROM users WHERE id = ?", id);
              return user;
            });
    audit.record(actor, "user.delete", "user:" + id, Json.obj("email", deleted.email()));
  }

  /**
   * The caller changes their own password; their other dashboard sessions end (the one making the
   * request stays signed in).
   */
  public void changeOwnPassword(Principal who, Actor actor, String current, String next) {
    Passwords.check("new_password", next);
    var stored = db.read(tx -> passwordHash(tx, who.userId()));
    if (!passwords.verify(current, stored.orElse(null))) {
      throw new AuthException(new AuthError.WrongPassword());
    }
    String hash = passwords.hash("new_password", next);
    String keep = who.via() == Principal.Via.SESSION ? who.credentialId() : null;
    int ended = db.write(tx -> setPassword(tx, who.userId(), hash, clock.millis(), keep));
    audit.record(
        actor, "auth.password_change", "user:" + who.userId(), Json.obj("sessions_ended", ended));
  }

  /**
   * Sets a new password for {@code email} and ends all of that user's sessions (the offline reset).
   * Returns how many sessions ended.
   */
  public int resetPassword(Actor actor, String email, String password) {
    String hash = passwords.hash("password", password);
    String normalized = Email.normalize(email);
    record Reset(String userId, int ended) {}
    var reset =
        db.write(
            tx -> {
              var user =
                  tx.one("SELECT * FROM users WHERE email = ?", Accounts::user, normalized)
                      .orElseThrow(() -> new AuthException(new AuthError.NotFound("user", email)));
              return new Reset(user.id(), setPassword(tx, user.id(), hash, clock.millis(), null));
            });
    audit.record(
        actor,
        "auth.password_reset",
        "user:" + reset.userId(),
        Json.obj("email", normalized, "sessions_ended", reset.ended()));
    return reset.ended();
  }

  /** Stores a hash and ends the user's sessions except {@code keepSession}; returns how many. */
  private static int setPassword(Tx tx, String userId, String hash, long now, String keepSession)
      throws SQLException {
    tx.update("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, userId);
    return keepSession == null
        ? tx.update("DELETE FROM sessions WHERE user_id = ?", userId)
        : tx.update("DELETE FROM sessions WHERE user_id = ? AND id <> ?", userId, keepSession);
  }

  /** Inserts the first admin inside the first-start transaction. */
  static void insertAdmin(Tx tx, User user, String hash) throws SQLException {
    long now = user.createdAt().toEpochMilli();
    tx.update(
        "INSERT INTO users (id, email, password_hash, role, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        user.id(),
        user.email(),
        hash,
        Role.ADMIN.wire(),
        now,
        now);
  }

  /** Counts admins; on PostgreSQL the rows stay locked so two demotions cannot both pass. */
  private static long adminCount(Tx tx) throws SQLException {
    String lock = tx.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE" : "";
    return tx.query("SELECT id FROM users WHERE role = 'admin'" + lock, r -> r.getString(1)).size();
  }

  private static Optional<User> find(Tx tx, String id) throws SQLException {
    return tx.one("SELECT * FROM users WHERE id = ?", Accounts::user, id);
  }

  private static Optional<String> passwordHash(Tx tx, String id) throws SQLException {
    return tx.one("SELECT password_hash FROM users WHERE id = ?", r -> r.getString(1), id);
  }

  static User user(ResultSet row) throws SQLException {
    return new User(
        row.getString("id"),
        row.getString("email"),
        Role.parse(row.getString("role")).orElse(Role.VIEWER),
        Instant.ofEpochMilli(row.getLong("created_at")));
  }

  private static AuthException notFound(String id) {
    return new AuthException(new AuthError.NotFound("user", id));
  }
}
