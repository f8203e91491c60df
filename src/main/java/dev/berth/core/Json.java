package dev.berth.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON codec (RFC 8259) so the idle path carries no JSON library.
 *
 * <p>Parsing yields {@code Map<String,Object>} (insertion-ordered, {@code null} values kept so
 * "absent" and "null" stay distinct), {@code List<Object>}, {@code String}, {@code Long} (or {@code
 * BigDecimal} when it does not fit), {@code Double}, {@code Boolean} and {@code null}. Duplicate
 * keys, trailing data, lone surrogates and nesting deeper than {@link #MAX_DEPTH} are errors.
 * Writing accepts those types plus records (components in snake_case), enums (lower case), {@link
 * Instant} (ISO-8601), {@link Optional} and {@link JsonWritable}.
 */
public final class Json {
  public static final int MAX_DEPTH = 64;

  private Json() {}

  /** Thrown for text that is not JSON; the message names the position. */
  public static final class ParseException extends RuntimeException {
    public ParseException(String message) {
      super(message);
    }
  }

  /** A type that writes itself, for shapes a record cannot express. */
  public interface JsonWritable {
    void writeJson(StringBuilder out);
  }

  public static Object parse(byte[] utf8) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return parse(decoder.decode(java.nio.ByteBuffer.wrap(utf8)).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ParseException("body is not valid UTF-8");
    }
  }

  public static Object parse(String text) {
    var parser = new JsonParser(text);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected data after the JSON value");
    }
    return value;
  }

  /** Convenience: an ordered map from alternating keys and values. */
  public static Map<String, Object> obj(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  public static String write(Object value) {
    var out = new StringBuilder(128);
    write(value, out);
    return out.toString();
  }

  public static byte[] bytes(Object value) {
    return write(value).getBytes(StandardCharsets.UTF_8);
  }

  public static void write(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("null");
      case String s -> quote(s, out);
      case Boolean b -> out.append(b);
      case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
      case Float f when f.isNaN() || f.isInfinite() -> out.append("null");
      case Number n -> out.append(n);
      case Map<?, ?> map -> writeMap(map, out);
      case Collection<?> list -> writeList(list, out);
      case Optional<?> opt -> write(opt.orElse(null), out);
      case Instant instant -> quote(instant.toString(), out);
      case Enum<?> e -> quote(e.name().toLowerCase(Locale.ROOT), out);
      case JsonWritable w -> w.writeJson(out);
      case Record r -> writeRecord(r, out);
      default -> quote(value.toString(), out);
    }
  }

  private static void writeMap(Map<?, ?> map, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (var entry : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      quote(String.valueOf(entry.getKey()), out);
      out.append(':');
      write(entry.getValue(), out);
    }
    out.append('}');
  }

  private static void writeList(Collection<?> list, StringBuilder out) {
    out.append('[');
    boolean first = true;
    for (var item : list) {
      if (!first) {
        out.append(',');
      }
      first = false;
      write(item, out);
    }
    out.append(']');
  }

  private static void writeRecord(Record record, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (var component : record.getClass().getRecordComponents()) {
      Object value;
      try {
        var accessor = component.getAccessor();
        accessor.setAccessible(true);
        value = accessor.invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + component.getName(), e);
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      quote(snakeCase(component.getName()), out);
      out.append(':');
      write(value, out);
    }
    out.append('}');
  }

  static String snakeCase(String camel) {
    var out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  public static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // U+2028/2029 are escaped so the output is also safe inside a <script> block.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
