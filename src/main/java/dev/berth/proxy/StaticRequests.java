package dev.berth.proxy;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;

/**
 * The request headers a static answer depends on, read strictly: a header that does not parse is
 * ignored (as RFC 9110 asks), never an error.
 */
final class StaticRequests {
  /** An inclusive byte range of a file. */
  record Span(long start, long end) {
    long length() {
      return end - start + 1;
    }
  }

  /** A Range header that names bytes the file does not have (416). */
  static final Span UNSATISFIABLE = new Span(-1, -2);

  private StaticRequests() {}

  /** True when {@code coding} is listed in Accept-Encoding with a q above 0. */
  static boolean accepts(String acceptEncoding, String coding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.split(";");
      if (!pieces[0].strip().toLowerCase(Locale.ROOT).equals(coding)) {
        continue;
      }
      for (int i = 1; i < pieces.length; i++) {
        String param = pieces[i].strip().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=") && zero(param.substring(2))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean zero(String q) {
    try {
      return Double.parseDouble(q) <= 0;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * One byte range of a file of {@code size} bytes, {@link #UNSATISFIABLE}, or empty for the whole
   * file (no header, another unit, several ranges, or a malformed one).
   */
  static Optional<Span> range(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return Optional.empty();
    }
    String spec = header.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    var first = number(spec.substring(0, dash));
    var last = number(spec.substring(dash + 1));
    if (first.isEmpty() && last.isEmpty()) {
      return Optional.empty();
    }
    if (first.isEmpty()) { // suffix: the last N bytes
      long n = last.get();
      if (n == 0 || size == 0) {
        return Optional.of(UNSATISFIABLE);
      }
      return Optional.of(new Span(Math.max(0, size - n), size - 1));
    }
    long start = first.get();
    if (last.isPresent() && last.get() < start) {
      return Optional.empty();
    }
    if (start >= size) {
      return Optional.of(UNSATISFIABLE);
    }
    long end = last.map(l -> Math.min(l, size - 1)).orElse(size - 1);
    return Optional.of(new Span(start, end));
  }

  private static Optional<Long> number(String text) {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(text));
  }

  /** True when If-None-Match lists {@code etag} (weak comparison, as for GET) or is "*". */
  static boolean noneMatchHits(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** True when the file has not changed since the If-Modified-Since date (to the second). */
  static boolean notModifiedSince(String ifModifiedSince, long lastModifiedMillis) {
    Date since = DateFormatter.parseHttpDate(ifModifiedSince);
    return since != null && lastModifiedMillis / 1000 <= since.getTime() / 1000;
  }

  static String httpDate(long millis) {
    return DateFormatter.format(new Date(millis));
  }

  /**
   * A file name with a content hash in it ({@code app.3f9a1c2b.js}, {@code index-BdX8_9aZ.css}):
   * such a file never changes, so browsers may keep it for a year. A hash is 8 to 64 characters of
   * letters, digits and '_' with at least one digit and one letter, as a dot-separated part of the
   * name or after its last '-'.
   */
  static boolean hashedName(String fileName) {
    int ext = fileName.lastIndexOf('.');
    if (ext <= 0) {
      return false;
    }
    String[] parts = fileName.substring(0, ext).split("\\.");
    for (int i = 1; i < parts.length; i++) {
      if (hashLike(parts[i])) {
        return true;
      }
    }
    int dash = parts[0].lastIndexOf('-');
    return dash > 0 && hashLike(parts[0].substring(dash + 1));
  }

  private static boolean hashLike(String part) {
    if (part.length() < 8 || part.length() > 64) {
      return false;
    }
    boolean digit = false;
    boolean letter = false;
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        letter = true;
      } else if (c != '_') {
        return false;
      }
    }
    return digit && letter;
  }
}
