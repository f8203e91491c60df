package dev.berth.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Shows API times (ISO-8601 text or epoch milliseconds) as {@code 2025-01-31 14:05 UTC}. */
final class Times {
  private static final DateTimeFormatter SHORT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private Times() {}

  static String show(Object value) {
    return switch (value) {
      case null -> "";
      case Long millis -> SHORT.format(Instant.ofEpochMilli(millis));
      case String text -> {
        try {
          yield SHORT.format(Instant.parse(text));
        } catch (DateTimeParseException e) {
          yield text;
        }
      }
      default -> String.valueOf(value);
    };
  }
}
