package dev.berth.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
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
    var parser = new Parser(text);
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

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    ParseException error(String what) {
      int line = 1;
      int col = 1;
      for (int i = 0; i < Math.min(pos, text.length()); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      return new ParseException(what + " at line " + line + ", column " + col);
    }

    void skipWhitespace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          return;
        }
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      char c = text.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character '" + printable(c) + "'");
        }
      };
    }

    private static String printable(char c) {
      return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    Object literal(String word, Object value) {
      if (!text.startsWith(word, pos)) {
        throw error("unexpected token");
      }
      pos += word.length();
      return value;
    }

    Map<String, Object> object(int depth) {
      pos++; // '{'
      var map = new LinkedHashMap<String, Object>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a quoted key");
        }
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        Object value = value(depth + 1);
        if (map.containsKey(key)) {
          throw error("duplicate key \"" + key + "\"");
        }
        map.put(key, value);
        skipWhitespace();
        char c = next();
        if (c == '}') {
          return map;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}'");
        }
      }
    }

    List<Object> array(int depth) {
      pos++; // '['
      var list = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth + 1));
        skipWhitespace();
        char c = next();
        if (c == ']') {
          return list;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']'");
        }
      }
    }

    String string() {
      pos++; // opening quote
      var out = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          pos--;
          throw error("control character in string");
        }
        if (c != '\\') {
          if (Character.isSurrogate(c)) {
            surrogatePair(c, out);
          } else {
            out.append(c);
          }
          continue;
        }
        char e = next();
        switch (e) {
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case '/' -> out.append('/');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> unicodeEscape(out);
          default -> {
            pos--;
            throw error("bad escape '\\" + printable(e) + "'");
          }
        }
      }
    }

    private void surrogatePair(char high, StringBuilder out) {
      if (Character.isHighSurrogate(high)
          && pos < text.length()
          && Character.isLowSurrogate(text.charAt(pos))) {
        out.append(high).append(text.charAt(pos++));
        return;
      }
      throw error("lone surrogate in string");
    }

    private void unicodeEscape(StringBuilder out) {
      char c = hex4();
      if (Character.isHighSurrogate(c)) {
        if (text.startsWith("\\u", pos)) {
          pos += 2;
          char low = hex4();
          if (Character.isLowSurrogate(low)) {
            out.append(c).append(low);
            return;
          }
        }
        throw error("lone surrogate escape");
      }
      if (Character.isLowSurrogate(c)) {
        throw error("lone surrogate escape");
      }
      out.append(c);
    }

    private char hex4() {
      if (pos + 4 > text.length()) {
        throw error("truncated \\u escape");
      }
      int value = 0;
      for (int i = 0; i < 4; i++) {
        int digit = Character.digit(text.charAt(pos + i), 16);
        if (digit < 0) {
          throw error("bad \\u escape");
        }
        value = value * 16 + digit;
      }
      pos += 4;
      return (char) value;
    }

    Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else if (isDigit(peek())) {
        digits();
      } else {
        throw error("bad number");
      }
      boolean integral = true;
      if (peek() == '.') {
        integral = false;
        pos++;
        if (!isDigit(peek())) {
          throw error("bad number");
        }
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        integral = false;
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        if (!isDigit(peek())) {
          throw error("bad number");
        }
        digits();
      }
      String literal = text.substring(start, pos);
      if (literal.length() > 100) {
        throw error("number too long");
      }
      if (integral) {
        var big = new BigInteger(literal);
        return big.bitLength() < 64 ? (Object) big.longValue() : new BigDecimal(big);
      }
      return Double.parseDouble(literal);
    }

    private void digits() {
      while (isDigit(peek())) {
        pos++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      return text.charAt(pos++);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }
  }
}
