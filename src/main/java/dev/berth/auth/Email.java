package dev.berth.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An account's email, stored lower-cased. The shape check is deliberately plain (ASCII local part,
 * DNS-label domain, {@code localhost} allowed) since Berth sends no mail to verify it.
 */
record Email(String value) {
  static final int MAX_LENGTH = 254;
  private static final Pattern SHAPE =
      Pattern.compile(
          "[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
              + "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  static Email parse(String field, String raw) {
    String text = normalize(raw);
    if (text.length() > MAX_LENGTH) {
      throw invalid(field, field + " is longer than " + MAX_LENGTH + " characters");
    }
    if (!SHAPE.matcher(text).matches()) {
      throw invalid(field, field + " must be an address like name@example.com");
    }
    return new Email(text);
  }

  /** Lower-cased and trimmed: how an email is compared, and the rate limiter's account key. */
  static String normalize(String raw) {
    return raw.strip().toLowerCase(Locale.ROOT);
  }

  private static AuthException invalid(String field, String detail) {
    return new AuthException(new AuthError.Invalid(field, detail));
  }
}
