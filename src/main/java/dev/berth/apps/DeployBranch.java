package dev.berth.apps;

import java.util.Optional;

/**
 * The git branch whose pushes deploy an app. The rules follow {@code git check-ref-format
 * --branch}, a little stricter: the name later reaches git commands and log lines, so anything that
 * could read as an option, a revision expression or a terminal control sequence is refused.
 */
public record DeployBranch(String value) {
  public static final int MAX_LENGTH = 255;
  public static final String DEFAULT = "main";
  private static final String FORBIDDEN = " ~^:?*[\\";

  public DeployBranch {
    var broken = problem(value);
    if (broken.isPresent()) {
      throw new AppsException(new AppsError.InvalidField("deploy_branch", broken.get()));
    }
  }

  static Optional<String> problem(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.of("deploy_branch must not be empty");
    }
    if (text.length() > MAX_LENGTH) {
      return Optional.of("deploy_branch is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
        return Optional.of(
            "deploy_branch must not contain spaces, control characters or any of ~ ^ : ? * [ \\");
      }
      if (c > 0x7f && !Character.isLetterOrDigit(c)) {
        return Optional.of("deploy_branch may use letters and digits beyond ASCII, nothing else");
      }
    }
    return structure(text);
  }

  private static Optional<String> structure(String text) {
    if (text.startsWith("-")) {
      return Optional.of("deploy_branch must not start with '-'");
    }
    if (text.equals("@") || text.equals("HEAD") || text.contains("@{")) {
      return Optional.of("deploy_branch must not be '@' or 'HEAD' or contain '@{'");
    }
    if (text.contains("..")) {
      return Optional.of("deploy_branch must not contain '..'");
    }
    if (text.startsWith("/") || text.endsWith("/") || text.contains("//")) {
      return Optional.of("deploy_branch must not start or end with '/' or contain '//'");
    }
    if (text.endsWith(".")) {
      return Optional.of("deploy_branch must not end with '.'");
    }
    for (String part : text.split("/")) {
      if (part.startsWith(".") || part.endsWith(".lock")) {
        return Optional.of(
            "no part of deploy_branch may start with '.' or end with '.lock' (" + part + ")");
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
