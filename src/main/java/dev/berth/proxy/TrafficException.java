package dev.berth.proxy;

/** The traffic switch's one exception; it carries what went wrong as a {@link TrafficError}. */
public final class TrafficException extends RuntimeException {
  private final transient TrafficError error;

  public TrafficException(TrafficError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public TrafficError error() {
    return error;
  }
}
