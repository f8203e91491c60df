package dev.berth.proxy;

/** The routes API's one exception; it carries what went wrong as a {@link RoutesError}. */
public final class RoutesException extends RuntimeException {
  private final transient RoutesError error;

  public RoutesException(RoutesError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public RoutesError error() {
    return error;
  }
}
