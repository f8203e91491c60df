package dev.berth;

import dev.berth.core.Principal;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.core.Role;
import dev.berth.store.Database;
import dev.berth.web.Authenticator;
import dev.berth.web.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;

/**
 * TEMPORARY until auth lands: the auth domain's authenticator replaces this class at merge. It
 * accepts {@code Authorization: Bearer <token>} where the token is {@code BERTH_ADMIN_TOKEN} (an
 * admin) or a live row of {@code api_tokens} (the owner's role), and nothing else: no sessions.
 */
final class TemporaryTokenAuthenticator implements Authenticator {
  private final Database db;
  private final Optional<String> adminToken;
  private final String adminEmail;
  private final InstantSource clock;

  TemporaryTokenAuthenticator(
      Database db, Optional<String> adminToken, String adminEmail, InstantSource clock) {
    this.db = db;
    this.adminToken = adminToken.filter(t -> !t.isEmpty());
    this.adminEmail = adminEmail;
    this.clock = clock;
  }

  @Override
  public Optional<Principal> authenticate(Request request) {
    var header = request.header("Authorization");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    if (!header.get().startsWith("Bearer ")) {
      throw new ProblemException(Problem.unauthorized("send Authorization: Bearer <token>"));
    }
    String token = header.get().substring(7).strip();
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    if (adminToken.isPresent()
        && MessageDigest.isEqual(given, adminToken.get().getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(
          new Principal(null, adminEmail, Role.ADMIN, Principal.Via.TOKEN, "bootstrap"));
    }
    var found =
        db.read(
            tx ->
                tx.one(
                    "SELECT t.id, u.id, u.email, u.role FROM api_tokens t JOIN users u ON"
                        + " u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL AND"
                        + " (t.expires_at IS NULL OR t.expires_at > ?)",
                    row ->
                        principal(
                            row.getString(1), row.getString(2), row.getString(3), row.getString(4)),
                    sha256(given),
                    clock.millis()));
    return Optional.of(
        found
            .flatMap(p -> p)
            .orElseThrow(
                () -> new ProblemException(Problem.unauthorized("the token is not valid"))));
  }

  private static Optional<Principal> principal(
      String tokenId, String userId, String email, String role) {
    return Role.parse(role).map(r -> new Principal(userId, email, r, Principal.Via.TOKEN, tokenId));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
