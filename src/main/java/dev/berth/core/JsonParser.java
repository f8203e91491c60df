package dev.berth.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recursive-descent half of {@link Json}: RFC 8259 text to maps, lists and scalars, with the
 * limits {@link Json} documents. Errors name the line and column.
 */
final class JsonParser {
  private final String text;
  int pos;

  JsonParser(String text) {
    this.text = text;
  }

  Json.ParseException error(String what) {
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
    return new Json.ParseException(what + " at line " + line + ", column " + col);
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
    if (depth > Json.MAX_DEPTH) {
      throw error("nesting deeper than " + Json.MAX_DEPTH);
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
