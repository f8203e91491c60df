package dev.berth.auth;

import dev.berth.core.Actor;
import dev.berth.core.Audit;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.core.Role;
import dev.berth.core.ServeConfig;
import dev.berth.core.StartupException;
import dev.berth.store.Database;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Makes the first admin when the store has no users: the configured email, the configured password
 * or a generated one (returned so the banner prints it once), and, when {@code BERTH_ADMIN_TOKEN}
 * is set, an admin API token named "bootstrap". Once any user exists this does nothing, so the
 * variables are ignored on later starts.
 */
final class FirstStart {
  static final int MIN_TOKEN_LENGTH = 16;
  static final int MAX_TOKEN_LENGTH = 512;
  private static final int GENERATED_PASSWORD_BYTES = 18;

  private final Database db;
  private final Ids ids;
  private final InstantSource clock;
  private final Passwords passwords;
  private final ApiTokens tokens;
  private final Audit audit;

  FirstStart(
      Database db,
      Ids ids,
      InstantSource clock,
      Passwords passwords,
      ApiTokens tokens,
      Audit audit) {
    this.db = db;
    this.ids = ids;
    this.clock = clock;
    this.passwords = passwords;
    this.tokens = tokens;
    this.audit = audit;
  }

  /** Returns the generated password when one was made. */
  Optional<String> run(ServeConfig.Bootstrap bootstrap) {
    if (db.read(tx -> tx.count("SELECT count(*) FROM users")) > 0) {
      return Optional.empty();
    }
    Email email = startupCheck(() -> Email.parse("BERTH_ADMIN_EMAIL", bootstrap.adminEmail()));
    Optional<String> token = bootstrap.adminToken().filter(t -> !t.isEmpty());
    token.ifPresent(FirstStart::checkToken);
    Optional<String> given = bootstrap.adminPassword().filter(p -> !p.isEmpty());
    Optional<String> generated =
        given.isPresent() ? Optional.empty() : Optional.of(ids.secret(GENERATED_PASSWORD_BYTES));
    String password = given.or(() -> generated).orElseThrow();
    String hash = startupCheck(() -> passwords.hash("BERTH_ADMIN_PASSWORD", password));
    long now = clock.millis();
    var admin = new User(ids.next(), email.value(), Role.ADMIN, Instant.ofEpochMilli(now));
    boolean created =
        db.write(
            tx -> {
              if (tx.count("SELECT count(*) FROM users") > 0) {
                return false; // another server on the same PostgreSQL got there first
              }
              Accounts.insertAdmin(tx, admin, hash);
              if (token.isPresent()) {
                tokens.insert(tx, admin.id(), "bootstrap", token.get(), now, null);
              }
              return true;
            });
    if (!created) {
      return Optional.empty();
    }
    audit.record(
        Actor.system(),
        "user.create",
        "user:" + admin.id(),
        Json.obj(
            "email",
            admin.email(),
            "role",
            Role.ADMIN,
            "first_start",
            true,
            "bootstrap_token",
            token.isPresent()));
    return generated;
  }

  private static void checkToken(String token) {
    if (token.length() < MIN_TOKEN_LENGTH || token.length() > MAX_TOKEN_LENGTH) {
      throw new StartupException(
          "BERTH_ADMIN_TOKEN must be "
              + MIN_TOKEN_LENGTH
              + " to "
              + MAX_TOKEN_LENGTH
              + " characters long (it has "
              + token.length()
              + ")");
    }
    if (token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
      throw new StartupException("BERTH_ADMIN_TOKEN must not contain spaces or control characters");
    }
  }

  private static <T> T startupCheck(java.util.function.Supplier<T> check) {
    try {
      return check.get();
    } catch (AuthException e) {
      if (e.error() instanceof AuthError.Invalid(String field, String detail)) {
        throw new StartupException(detail);
      }
      throw e;
    }
  }
}
