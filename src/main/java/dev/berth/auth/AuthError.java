package dev.berth.auth;

import java.time.Duration;

/** Everything the auth domain refuses; {@link AuthApi} maps each case to one problem type. */
public sealed interface AuthError {
  /** Wrong email or password; the same answer whether or not the email exists. */
  record InvalidCredentials() implements AuthError {}

  /** Too many failed sign-ins from this address or for this account. */
  record RateLimited(Duration retryAfter) implements AuthError {}

  /** A bearer token that is unknown, revoked, expired or not a token at all (indistinguishable). */
  record BadToken() implements AuthError {}

  /** An Authorization header that is not {@code Bearer <token>}. */
  record MalformedAuthorization() implements AuthError {}

  /** A cookie-authenticated write without the session's CSRF token or from a foreign origin. */
  record Csrf(String detail) implements AuthError {}

  /** A field value the rules refuse (email shape, password length, role, token name). */
  record Invalid(String field, String detail) implements AuthError {}

  /** The caller's current password did not match when changing it. */
  record WrongPassword() implements AuthError {}

  record EmailTaken(String email) implements AuthError {}

  record NotFound(String what, String id) implements AuthError {}

  /** The change would leave Berth without an admin. */
  record LastAdmin() implements AuthError {}

  /** A non-admin asked for something only admins may see. */
  record AdminOnly(String detail) implements AuthError {}
}
