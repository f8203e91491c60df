package dev.berth.cli;

/** The one exception of the client commands; {@link ClientCommand} turns it into an exit code. */
final class CliException extends RuntimeException {
  private final transient CliError error;

  CliException(CliError error) {
    super(error.line(), null, false, false);
    this.error = error;
  }

  CliError error() {
    return error;
  }

  static CliException usage(String message) {
    return new CliException(new CliError.Usage(message));
  }
}
