package dev.berth.apps;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an environment variable may be. Keys are shell-safe identifiers so every runtime (a process,
 * a container, a shell in a build) can pass them; values are text without NUL, which no process
 * environment can carry.
 */
final class EnvRules {
  static final int MAX_KEY_LENGTH = 256;
  static final int MAX_VALUE_BYTES = 32 * 1024;
  static final int MAX_VARS = 500;
  static final String KEY_RULE =
      "env keys are 1 to 256 characters of A-Z, a-z, 0-9 and '_', and do not start with a digit";

  private EnvRules() {}

  static Optional<String> keyProblem(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return Optional.of("the key is not allowed; " + KEY_RULE);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      boolean digit = c >= '0' && c <= '9';
      if (!(letter || (digit && i > 0))) {
        return Optional.of("the key is not allowed; " + KEY_RULE);
      }
    }
    return Optional.empty();
  }

  /** {@code value} is what the JSON held: a string to set, null to remove, anything else wrong. */
  static Optional<String> valueProblem(String key, Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      return Optional.of(key + " must be a string, or null to remove it");
    }
    if (text.indexOf('\0') >= 0) {
      return Optional.of(key + " contains a NUL character, which no environment can carry");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      return Optional.of(key + " is longer than 32 KiB");
    }
    return Optional.empty();
  }
}
