package dev.berth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Test users of a given role with an API token, written straight into the store the way the auth
 * domain keeps them ({@code api_tokens.token_hash} = lowercase hex SHA-256 of the token).
 */
final class Users {
  private Users() {}

  /** Adds a user with {@code role} (viewer, member, admin) and returns their token. */
  static String withRole(TestPlatform berth, String role) {
    String token = "berth_test_" + role + "_" + Long.toHexString(System.nanoTime());
    String userId = "user-" + token;
    berth
        .platform()
        .database()
        .write(
            tx -> {
              tx.update(
                  "INSERT INTO users (id, email, password_hash, role, created_at, updated_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?)",
                  userId,
                  token + "@example.com",
                  "not-a-password-hash",
                  role,
                  0L,
                  0L);
              tx.update(
                  "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?)",
                  "token-" + token,
                  userId,
                  "tests",
                  sha256(token),
                  token.substring(0, 8),
                  0L);
              return null;
            });
    return token;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
