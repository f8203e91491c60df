package dev.berth.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a request path into the segments of a file under a site's folder. The path is decoded
 * exactly once; anything that could name a file outside the folder, or name one file two ways, is
 * refused before the file system sees it.
 *
 * <pre>
 * raw path ─► refuse %2f %5c %00 \ ─► decode %XX once (strict UTF-8) ─► split on /
 *          ─► drop "" and "." ─► refuse "..", control bytes, hidden names (except .well-known)
 * </pre>
 *
 * A {@code ..} that only resolves inside the folder is still refused: a site never needs it and a
 * uniform rule is easier to trust.
 */
final class StaticPaths {
  /** Decoded, normalised segments; {@code directory} when the path ended in '/'. */
  record Parsed(List<String> segments, boolean directory) {
    String relative() {
      return String.join("/", segments);
    }

    /** The extension of the last segment, lower case, or empty when it has none. */
    String extension() {
      if (segments.isEmpty()) {
        return "";
      }
      String last = segments.getLast();
      int dot = last.lastIndexOf('.');
      return dot <= 0 ? "" : last.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
  }

  private StaticPaths() {}

  /** The segments of {@code rawPath} (no query) below {@code prefix}, or empty when refused. */
  static Optional<Parsed> parse(String rawPath, String prefix) {
    String path = rawPath;
    if (!prefix.equals("/") && path.startsWith(prefix)) {
      path = path.substring(prefix.length());
    }
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
      return Optional.empty();
    }
    if (path.indexOf('\\') >= 0) {
      return Optional.empty();
    }
    return decode(path).flatMap(StaticPaths::segments);
  }

  private static Optional<Parsed> segments(String decoded) {
    var out = new ArrayList<String>();
    for (String segment : decoded.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..") || !acceptable(segment)) {
        return Optional.empty();
      }
      out.add(segment);
    }
    boolean directory = decoded.isEmpty() || decoded.endsWith("/") || decoded.endsWith("/.");
    return Optional.of(new Parsed(List.copyOf(out), directory));
  }

  private static boolean acceptable(String segment) {
    if (segment.startsWith(".") && !segment.equals(".well-known")) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
        return false;
      }
    }
    return true;
  }

  /** Percent-decoding into strict UTF-8; a bad escape or byte sequence is a refusal. */
  static Optional<String> decode(String path) {
    if (path.indexOf('%') < 0) {
      return Optional.of(path);
    }
    var bytes = ByteBuffer.allocate(path.length() * 3);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.put((byte) ((hi << 4) | lo));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes)
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
