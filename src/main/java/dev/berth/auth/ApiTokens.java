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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API tokens for automation: {@code berth_} + 43 URL-safe base64 characters, shown once when made;
 * the store keeps the SHA-256 and a 12-character prefix to tell tokens apart. A token acts with its
 * user's current role. {@code last_used_at} is written at most once a minute per token so a busy
 * client does not turn every request into a write.
 */
public final class ApiTokens {
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  static final int MAX_NAME = 100;
  static final long MAX_DAYS = 3650;
  private static final int MAX_PRESENTED = 512;

  /** A token as lists show it (never the secret). */
  public record Token(
      String id,
      String userId,
      String name,
      String prefix,
      Instant createdAt,
      Instant lastUsedAt,
      Instant expiresAt,
      Instant revokedAt) {}

  /** A token just made: the one answer that carries the secret. */
  public record Created(
      String id, String name, String prefix, Instant createdAt, Instant expiresAt, String token) {}

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;
  private final Audit audit;

  ApiTokens(Database db, Ids ids, InstantSource clock, Audit audit) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
    this.audit = audit;
  }

  public Created create(Actor actor, String userId, String name, Optional<Long> expiresInDays) {
    String clean = name.strip();
    if (clean.isEmpty() || clean.length() > MAX_NAME) {
      throw new AuthException(
          new AuthError.Invalid("name", "name must be 1 to " + MAX_NAME + " characters"));
    }
    if (expiresInDays.isPresent() && (expiresInDays.get() < 1 || expiresInDays.get() > MAX_DAYS)) {
      throw new AuthException(
          new AuthError.Invalid(
              "expires_in_days", "expires_in_days must be a whole number from 1 to " + MAX_DAYS));
    }
    long now = clock.millis();
    Long expires = expiresInDays.map(d -> now + Duration.ofDays(d).toMillis()).orElse(null);
    String secret = Secrets.newApiToken(ids);
    Created created = db.write(tx -> insert(tx, userId, clean, secret, now, expires));
    audit.record(
        actor,
        "token.create",
        "token:" + created.id(),
        Json.obj("name", clean, "prefix", created.prefix(), "user_id", userId));
    return created;
  }

  /** Stores a token whose secret the caller chose (the first-start admin token). */
  Created insert(Tx tx, String userId, String name, String secret, long now, Long expires)
      throws SQLException {
    String id = ids.next();
    String prefix = Secrets.visiblePrefix(secret);
    // expires_at is left out rather than bound as null: Tx binds null as text, which PostgreSQL
    // refuses for a BIGINT column.
    tx.update(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at"
            + (expires == null
                ? ") VALUES (?, ?, ?, ?, ?, ?)"
                : ", expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        expires == null
            ? new Object[] {id, userId, name, Secrets.sha256Hex(secret), prefix, now}
            : new Object[] {id, userId, name, Secrets.sha256Hex(secret), prefix, now, expires});
    return new Created(id, name, prefix, Instant.ofEpochMilli(now), toInstant(expires), secret);
  }

  /** Tokens newest first: one user's, or everyone's when {@code userId} is empty. */
  public List<Token> list(Optional<String> userId) {
    return db.read(
        tx ->
            userId.isPresent()
                ? tx.query(
                    "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id DESC",
                    ApiTokens::token,
                    userId.get())
                : tx.query("SELECT * FROM api_tokens ORDER BY id DESC", ApiTokens::token));
  }

  /** Revokes a token of the caller's (any token for an admin); revoking twice is a no-op. */
  public void revoke(Actor actor, Principal who, String id) {
    long now = clock.millis();
    boolean changed =
        db.write(
            tx -> {
              var token =
                  tx.one("SELECT * FROM api_tokens WHERE id = ?", ApiTokens::token, id)
                      .filter(t -> who.can(Role.ADMIN) || t.userId().equals(who.userId()))
                      .orElseThrow(() -> new AuthException(new AuthError.NotFound("token", id)));
              return token.revokedAt() == null
                  && tx.update(
                          "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          now,
                          id)
                      == 1;
            });
    if (changed) {
      audit.record(actor, "token.revoke", "token:" + id, Map.of());
    }
  }

  /** The principal a bearer token stands for, or empty for any token that is not live. */
  public Optional<Principal> authenticate(String presented) {
    if (presented.isEmpty() || presented.length() > MAX_PRESENTED) {
      return Optional.empty();
    }
    String hash = Secrets.sha256Hex(presented);
    long now = clock.millis();
    record Live(Principal principal, Long lastUsed) {}
    var live =
        db.read(
            tx ->
                tx.one(
                    "SELECT t.id, t.last_used_at, u.id, u.email, u.role FROM api_tokens t"
                        + " JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?"
                        + " AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
                    r ->
                        new Live(
                            new Principal(
                                r.getString(3),
                                r.getString(4),
                                Role.parse(r.getString(5)).orElse(Role.VIEWER),
                                Principal.Via.TOKEN,
                                r.getString(1)),
                            Tx.nullableLong(r, "last_used_at")),
                    hash,
                    now));
    live.filter(l -> l.lastUsed() == null || now - l.lastUsed() >= TOUCH_EVERY.toMillis())
        .ifPresent(l -> touch(l.principal().credentialId(), now));
    return live.map(Live::principal);
  }

  private void touch(String id, long now) {
    db.write(tx -> tx.update("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id));
  }

  private static Token token(ResultSet r) throws SQLException {
    return new Token(
        r.getString("id"),
        r.getString("user_id"),
        r.getString("name"),
        r.getString("prefix"),
        Instant.ofEpochMilli(r.getLong("created_at")),
        toInstant(Tx.nullableLong(r, "last_used_at")),
        toInstant(Tx.nullableLong(r, "expires_at")),
        toInstant(Tx.nullableLong(r, "revoked_at")));
  }

  private static Instant toInstant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }
}
