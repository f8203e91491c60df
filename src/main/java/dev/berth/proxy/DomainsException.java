package dev.berth.proxy;

/** The domains API's one exception; it carries what went wrong as a {@link DomainsError}. */
public final class DomainsException extends RuntimeException {
  private final transient DomainsError error;

  public DomainsException(DomainsError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public DomainsError error() {
    return error;
  }
}
