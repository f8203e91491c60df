package dev.berth.cli;

/**
 * Why a client command failed. Each case has one exit code and one line for stderr; the mapping
 * lives here so every command reports failures the same way.
 *
 * <p>Exit codes: 0 ok; 1 the server refused or failed, or it cannot be reached; 2 usage; 3 not
 * signed in or the token was rejected.
 */
sealed interface CliError {
  int EXIT_FAILED = 1;
  int EXIT_USAGE = 2;
  int EXIT_NOT_SIGNED_IN = 3;
  String NOT_SIGNED_IN = "not signed in; run 'berth login'";

  /** The command line or its input (a .env file, stdin) cannot be used as given. */
  record Usage(String message) implements CliError {}

  /** No token, or the server answered 401/403; {@code detail} is the server's, when it gave one. */
  record NotSignedIn(int status, String detail) implements CliError {}

  /** The server answered 4xx/5xx (other than 401/403). */
  record Refused(int status, String detail) implements CliError {}

  /** No answer at all: refused connection, timeout, unknown host. */
  record Unreachable(String url, String reason) implements CliError {}

  /** Something on this machine failed (the config file cannot be written). */
  record Failed(String message) implements CliError {}

  default int exitCode() {
    return switch (this) {
      case Usage u -> EXIT_USAGE;
      case NotSignedIn n -> EXIT_NOT_SIGNED_IN;
      case Refused r -> EXIT_FAILED;
      case Unreachable u -> EXIT_FAILED;
      case Failed f -> EXIT_FAILED;
    };
  }

  /** The single stderr line, {@code berth: ...}, safe to print to a terminal. */
  default String line() {
    String text =
        switch (this) {
          case Usage u -> u.message();
          case NotSignedIn n when n.detail() == null -> NOT_SIGNED_IN;
          case NotSignedIn n when n.status() == 401 -> n.detail() + "; run 'berth login'";
          case NotSignedIn n -> n.detail();
          case Refused r -> r.detail();
          case Unreachable u -> "cannot reach " + u.url() + ": " + u.reason();
          case Failed f -> f.message();
        };
    return "berth: " + Text.oneLine(text);
  }
}
