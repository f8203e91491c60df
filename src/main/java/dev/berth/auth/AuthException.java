package dev.berth.auth;

/** The auth domain's one exception; carries what went wrong as an {@link AuthError}. */
public final class AuthException extends RuntimeException {
  private final transient AuthError error;

  public AuthException(AuthError error) {
    super(error.toString(), null, false, false);
    this.error = error;
  }

  public AuthError error() {
    return error;
  }
}
