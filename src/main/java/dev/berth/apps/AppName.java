package dev.berth.apps;

import java.util.Optional;
import java.util.Set;

/**
 * An app's name, which is also the DNS label of its host ({@code <name>.<domain>}). Lower case
 * only, so two names never differ by case alone; {@code --} is kept free for preview hosts ({@code
 * <branch>--<app>}); names of Berth's own hosts are reserved.
 */
public record AppName(String value) {
  public static final int MAX_LENGTH = 63;
  public static final String RULE =
      "app names are 1 to 63 characters of a-z, 0-9 and '-', start and end with a letter or"
          + " digit, and contain no '--'";

  /** Hosts Berth serves itself or that users would mistake for Berth's. */
  static final Set<String> RESERVED =
      Set.of(
          "berth",
          "www",
          "api",
          "admin",
          "console",
          "git",
          "static",
          "status",
          "mail",
          "localhost",
          "_berth",
          "dashboard",
          "metrics",
          "health",
          "auth",
          "login",
          "proxy",
          "smtp",
          "imap",
          "ftp",
          "ns1",
          "ns2",
          "mx",
          "cdn",
          "assets",
          "docs",
          "system",
          "root");

  public AppName {
    var broken = problem(value);
    if (broken.isPresent()) {
      throw new AppsException(new AppsError.InvalidName(broken.get()));
    }
  }

  /** What is wrong with {@code text} as an app name, or empty when it is a valid one. */
  static Optional<String> problem(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.of("the name is empty; " + RULE);
    }
    if (text.length() > MAX_LENGTH) {
      return Optional.of("the name is longer than 63 characters; " + RULE);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return Optional.of("the name contains a character other than a-z, 0-9 and '-'; " + RULE);
      }
    }
    if (text.startsWith("-") || text.endsWith("-")) {
      return Optional.of("the name starts or ends with '-'; " + RULE);
    }
    if (text.contains("--")) {
      return Optional.of("'--' is reserved for preview hosts; " + RULE);
    }
    return Optional.empty();
  }

  /**
   * A name for a new app: a valid name that is not reserved. Reserved names are checked only here,
   * so growing the list never makes an existing app unreachable.
   */
  public static AppName forNewApp(String text) {
    var name = new AppName(text);
    if (RESERVED.contains(text)) {
      throw new AppsException(
          new AppsError.InvalidName("'" + text + "' is reserved by Berth; choose another name"));
    }
    return name;
  }

  @Override
  public String toString() {
    return value;
  }
}
