package dev.berth.core;

/**
 * A reason Berth cannot start, said in one line a person can act on (a port in use, an unwritable
 * data dir, a bad database URL). The command line prints the message and exits with code 2.
 */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
