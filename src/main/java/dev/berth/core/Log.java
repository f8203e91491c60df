package dev.berth.core;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Structured log lines: {@code time level logger message key=value ... request_id=...}. The request
 * id comes from {@link #REQUEST_ID} when the line is written inside a request's scope. One helper
 * so the format is the same everywhere, and no logging library sits on the idle path.
 */
public final class Log {
  public static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();

  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static volatile PrintStream out = System.err;
  private static volatile Level threshold = Level.INFO;
  private final String name;

  private Log(String name) {
    this.name = name;
  }

  public static Log of(Class<?> type) {
    String pkg = type.getPackageName();
    String shortPkg = pkg.startsWith("dev.berth.") ? pkg.substring(10) + "." : "";
    return new Log(shortPkg + type.getSimpleName());
  }

  public static Log named(String name) {
    return new Log(name);
  }

  public static void configure(PrintStream stream, Level level) {
    out = stream;
    threshold = level;
  }

  public boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  public void debug(String message, Object... keyValues) {
    log(Level.DEBUG, message, null, keyValues);
  }

  public void info(String message, Object... keyValues) {
    log(Level.INFO, message, null, keyValues);
  }

  public void warn(String message, Object... keyValues) {
    log(Level.WARN, message, null, keyValues);
  }

  public void error(String message, Throwable error, Object... keyValues) {
    log(Level.ERROR, message, error, keyValues);
  }

  public void log(Level level, String message, Throwable error, Object... keyValues) {
    if (!enabled(level)) {
      return;
    }
    var line = new StringBuilder(96);
    line.append(Instant.now()).append(' ').append(level).append(' ').append(name).append(' ');
    line.append(message);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=');
      appendValue(line, keyValues[i + 1]);
    }
    if (REQUEST_ID.isBound()) {
      line.append(" request_id=").append(REQUEST_ID.get());
    }
    if (error != null) {
      line.append(" error=");
      appendValue(line, error.toString());
      var trace = new java.io.StringWriter();
      error.printStackTrace(new java.io.PrintWriter(trace));
      line.append('\n').append(trace.toString().stripTrailing());
    }
    out.println(line);
  }

  private static void appendValue(StringBuilder line, Object value) {
    String text = String.valueOf(value);
    boolean plain = !text.isEmpty();
    for (int i = 0; i < text.length() && plain; i++) {
      char c = text.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\';
    }
    if (plain) {
      line.append(text);
    } else {
      Json.quote(text, line);
    }
  }
}
