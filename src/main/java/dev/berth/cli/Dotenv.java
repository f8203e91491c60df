package dev.berth.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads dotenv text: {@code KEY=value} lines, {@code #} comments, blank lines, an optional {@code
 * export } prefix, {@code 'single'} quotes taken literally, {@code "double"} quotes with {@code \n
 * \r \t \" \\} escapes (they may span lines), and unquoted values that end at the line or at a
 * {@code " #"} comment. A later line for the same key wins, as in a shell. Anything else is an
 * error naming the line, so a broken file never half-applies.
 */
final class Dotenv {
  static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String text;
  private int pos;
  private int line = 1;

  private Dotenv(String text) {
    this.text = text;
  }

  /** Parses the whole text; throws a usage {@link CliException} naming the source and line. */
  static Map<String, String> parse(String text, String source) {
    var parser = new Dotenv(text.startsWith("\uFEFF") ? text.substring(1) : text);
    try {
      return parser.entries();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(source + " line " + parser.line + ": " + e.getMessage());
    }
  }

  /** One {@code KEY=value} argument from the command line: the value is taken as typed. */
  static Map.Entry<String, String> argument(String arg) {
    int eq = arg.indexOf('=');
    if (eq < 0) {
      throw CliException.usage("expected KEY=VALUE, got '" + Text.oneLine(arg) + "'");
    }
    String key = arg.substring(0, eq);
    checkKey(key);
    return Map.entry(key, arg.substring(eq + 1));
  }

  static String checkKey(String key) {
    if (!KEY.matcher(key).matches()) {
      throw CliException.usage(
          "'"
              + Text.oneLine(key)
              + "' is not a valid variable name (letters, digits and _, not starting with a digit)");
    }
    return key;
  }

  private Map<String, String> entries() {
    var out = new LinkedHashMap<String, String>();
    while (pos < text.length()) {
      skipBlanks();
      if (pos >= text.length()) {
        break;
      }
      char c = text.charAt(pos);
      if (c == '#') {
        skipRestOfLine();
      } else if (c == '\n' || c == '\r') {
        newline();
      } else {
        entry(out);
      }
    }
    return out;
  }

  private void entry(Map<String, String> out) {
    if (text.startsWith("export", pos)
        && pos + 6 < text.length()
        && (text.charAt(pos + 6) == ' ' || text.charAt(pos + 6) == '\t')) {
      pos += 6;
      skipBlanks();
    }
    int start = pos;
    while (pos < text.length() && "=\n\r".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    if (pos >= text.length() || text.charAt(pos) != '=') {
      throw new IllegalArgumentException("expected KEY=VALUE");
    }
    String key = text.substring(start, pos).strip();
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("'" + Text.oneLine(key) + "' is not a valid name");
    }
    pos++; // '='
    skipBlanks();
    String value =
        switch (peek()) {
          case '"' -> doubleQuoted();
          case '\'' -> singleQuoted();
          default -> unquoted();
        };
    out.put(key, value);
  }

  private String unquoted() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
      if (text.charAt(pos) == '#' && pos > start && Character.isWhitespace(text.charAt(pos - 1))) {
        break;
      }
      pos++;
    }
    String value = text.substring(start, pos).strip();
    skipRestOfLine();
    return value;
  }

  private String singleQuoted() {
    int startLine = line;
    pos++;
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '\'') {
      if (text.charAt(pos) == '\n') {
        line++;
      }
      pos++;
    }
    if (pos >= text.length()) {
      line = startLine;
      throw new IllegalArgumentException("unterminated single quote");
    }
    String value = text.substring(start, pos);
    pos++;
    endOfValue();
    return value;
  }

  private String doubleQuoted() {
    int startLine = line;
    pos++;
    var value = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        line = startLine;
        throw new IllegalArgumentException("unterminated double quote");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        break;
      }
      if (c == '\n') {
        line++;
      }
      if (c != '\\' || pos >= text.length()) {
        value.append(c);
        continue;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case '"', '\\', '$' -> value.append(e);
        default -> value.append('\\').append(e);
      }
    }
    endOfValue();
    return value.toString();
  }

  /** After a closing quote only blanks and a comment may follow on the line. */
  private void endOfValue() {
    skipBlanks();
    char c = peek();
    if (c != '#' && c != '\n' && c != '\r' && c != '\0') {
      throw new IllegalArgumentException("unexpected text after the closing quote");
    }
    skipRestOfLine();
  }

  private void skipBlanks() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipRestOfLine() {
    while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
      pos++;
    }
    if (pos < text.length()) {
      newline();
    }
  }

  private void newline() {
    if (text.charAt(pos) == '\r' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
      pos++;
    }
    pos++;
    line++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }
}
