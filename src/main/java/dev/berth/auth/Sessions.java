package dev.berth.auth;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.core.Principal;
import dev.berth.core.Role;
import dev.berth.store.Database;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

/**
 * Dashboard sessions. The browser holds 32 random bytes in a cookie; the store holds only their
 * SHA-256 as the session id, with a CSRF token the dashboard echoes on writes.
 *
 * <pre>
 * login ─► active ──(a request, at most one write a minute)──► active, expiry = now + 7 days
 *            │ logout, password change, user deleted ─► gone
 *            └ 7 days without a request ─► expired (deleted when next presented)
 * </pre>
 */
public final class Sessions {
  public static final Duration TTL = Duration.ofDays(7);
  static final Duration REFRESH_EVERY = Duration.ofMinutes(1);

  /** What a sign-in attempt carries besides the password. */
  public record Attempt(String email, String password, String address, String userAgent) {}

  /** A new session: the cookie value is shown to the browser once and never stored. */
  public record Started(String cookie, String csrfToken, User user) {}

  /** A session found from its cookie. */
  public record Active(String id, String csrfToken, Principal principal) {}

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;
  private final Passwords passwords;
  private final Accounts accounts;
  private final LoginLimiter limiter;
  private final Audit audit;

  Sessions(
      Database db,
      Ids ids,
      InstantSource clock,
      Passwords passwords,
      Accounts accounts,
      LoginLimiter limiter,
      Audit audit) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
    this.passwords = passwords;
    this.accounts = accounts;
    this.limiter = limiter;
    this.audit = audit;
  }

  /**
   * Checks the password and opens a session. Refused attempts all look alike: the same error, and a
   * bcrypt verification whether or not the account exists.
   */
  public Started login(Attempt attempt, String requestId) {
    String account = limiterKey(attempt.email());
    var wait = limiter.retryAfter(attempt.address(), account);
    if (wait.isPresent()) {
      throw new AuthException(new AuthError.RateLimited(wait.get()));
    }
    var found = accounts.credentials(account);
    boolean ok =
        passwords.verify(attempt.password(), found.map(c -> c.passwordHash()).orElse(null));
    if (!ok || found.isEmpty()) {
      limiter.failed(attempt.address(), account);
      audit.record(
          new Actor(null, "anonymous", attempt.address(), requestId),
          "auth.login_failed",
          found.map(c -> "user:" + c.user().id()).orElse(null),
          Json.obj("email", account));
      throw new AuthException(new AuthError.InvalidCredentials());
    }
    limiter.succeeded(account);
    User user = found.get().user();
    String cookie = ids.secret(Secrets.TOKEN_BYTES);
    String csrf = ids.secret(Secrets.TOKEN_BYTES);
    long now = clock.millis();
    db.write(
        tx ->
            tx.update(
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at,"
                    + " expires_at, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                Secrets.sha256Hex(cookie),
                user.id(),
                csrf,
                now,
                now,
                now + TTL.toMillis(),
                attempt.address(),
                truncate(attempt.userAgent(), 256)));
    audit.record(
        new Actor(user.id(), user.email(), attempt.address(), requestId),
        "auth.login",
        "user:" + user.id(),
        Map.of());
    return new Started(cookie, csrf, user);
  }

  /** The live session a cookie names; an expired one is deleted and treated as absent. */
  public Optional<Active> find(String cookie) {
    if (cookie.isEmpty() || cookie.length() > 128) {
      return Optional.empty();
    }
    String id = Secrets.sha256Hex(cookie);
    long now = clock.millis();
    record Row(Active active, long lastSeen, long expires) {}
    var row =
        db.read(
            tx ->
                tx.one(
                    "SELECT s.csrf_token, s.last_seen_at, s.expires_at, u.id, u.email, u.role"
                        + " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?",
                    r ->
                        new Row(
                            new Active(
                                id,
                                r.getString(1),
                                new Principal(
                                    r.getString(4),
                                    r.getString(5),
                                    Role.parse(r.getString(6)).orElse(Role.VIEWER),
                                    Principal.Via.SESSION,
                                    id)),
                            r.getLong(2),
                            r.getLong(3)),
                    id));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    if (row.get().expires() <= now) {
      end(id);
      return Optional.empty();
    }
    if (now - row.get().lastSeen() >= REFRESH_EVERY.toMillis()) {
      db.write(
          tx ->
              tx.update(
                  "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
                  now,
                  now + TTL.toMillis(),
                  id));
    }
    return Optional.of(row.get().active());
  }

  public void end(String sessionId) {
    db.write(tx -> tx.update("DELETE FROM sessions WHERE id = ?", sessionId));
  }

  /** Logs out: ends the session and records it. */
  public void logout(Actor actor, Principal who) {
    if (who.via() == Principal.Via.SESSION) {
      end(who.credentialId());
    }
    audit.record(actor, "auth.logout", "user:" + who.userId(), Map.of());
  }

  /** The account key the limiter counts under: the normalized email, bounded in size. */
  static String limiterKey(String email) {
    return truncate(Email.normalize(email), Email.MAX_LENGTH + 1);
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
