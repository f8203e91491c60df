package dev.berth.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Random credentials and how they are kept: only a SHA-256 of a session cookie or an API token is
 * stored, so a copy of the database signs nobody in. SHA-256 (not bcrypt) is enough because the
 * secrets are 256 random bits, not something a person chose.
 */
final class Secrets {
  static final String TOKEN_PREFIX = "berth_";
  static final int TOKEN_BYTES = 32;
  static final int VISIBLE_PREFIX = 12;
  private static final Pattern API_TOKEN = Pattern.compile("berth_[A-Za-z0-9_-]{43}");

  private Secrets() {}

  /** {@code berth_} and 43 URL-safe base64 characters (32 random bytes). */
  static String newApiToken(dev.berth.core.Ids ids) {
    return TOKEN_PREFIX + ids.secret(TOKEN_BYTES);
  }

  static boolean isApiTokenFormat(String token) {
    return API_TOKEN.matcher(token).matches();
  }

  /** The part of a token shown in lists so a user can tell their tokens apart. */
  static String visiblePrefix(String token) {
    return token.substring(0, Math.min(VISIBLE_PREFIX, token.length()));
  }

  static String sha256Hex(String secret) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** Compares without an early exit, so the time taken reveals nothing about the expected value. */
  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
