package dev.berth.apps;

/** The apps domain's one exception; it carries what went wrong as an {@link AppsError}. */
public final class AppsException extends RuntimeException {
  private final transient AppsError error;

  public AppsException(AppsError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public AppsError error() {
    return error;
  }
}
