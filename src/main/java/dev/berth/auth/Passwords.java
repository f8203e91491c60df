package dev.berth.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * Password rules and bcrypt. bcrypt reads at most 72 bytes, so longer passwords are refused rather
 * than silently truncated. Checking a password for an email that has no account still runs one
 * bcrypt verification against a dummy hash, so the answer takes as long as for a real account.
 */
final class Passwords {
  static final int COST = 11;
  static final int MIN_BYTES = 10;
  static final int MAX_BYTES = 72;

  private final int cost;
  private volatile String dummyHash;

  Passwords() {
    this(COST);
  }

  /** A lower cost only for unit tests, where cost 11 would make them slow. */
  Passwords(int cost) {
    this.cost = cost;
  }

  /** Refuses a password outside 10..72 UTF-8 bytes, naming {@code field}. */
  static void check(String field, String password) {
    int bytes = password.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_BYTES) {
      throw new AuthException(
          new AuthError.Invalid(field, field + " must be at least " + MIN_BYTES + " characters"));
    }
    if (bytes > MAX_BYTES) {
      throw new AuthException(
          new AuthError.Invalid(
              field, field + " must be at most " + MAX_BYTES + " bytes (bcrypt reads no more)"));
    }
  }

  String hash(String field, String password) {
    check(field, password);
    return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
  }

  /** Whether {@code password} matches {@code hash}; a null hash burns the same time and fails. */
  boolean verify(String password, String hash) {
    int bytes = password.getBytes(StandardCharsets.UTF_8).length;
    boolean usable = hash != null && bytes >= 1 && bytes <= MAX_BYTES;
    try {
      if (!usable) {
        BCrypt.verifyer().verify("not the password".toCharArray(), dummyHash());
        return false;
      }
      return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    } catch (IllegalArgumentException e) {
      return false; // a stored hash bcrypt cannot parse matches nothing
    }
  }

  private String dummyHash() {
    String value = dummyHash;
    if (value == null) {
      value = BCrypt.withDefaults().hashToString(cost, "berth dummy password".toCharArray());
      dummyHash = value;
    }
    return value;
  }
}
