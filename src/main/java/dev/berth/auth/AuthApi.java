package dev.berth.auth;

import dev.berth.core.Json;
import dev.berth.core.Principal;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.time.Duration;
import java.util.Set;

/**
 * Dashboard sign-in: {@code POST /api/v1/auth/login}, {@code POST /api/v1/auth/logout}, {@code GET
 * /api/v1/auth/session}, {@code POST /api/v1/auth/password}. Also maps every {@link AuthError} to
 * its problem, once for the whole domain.
 */
final class AuthApi {
  private final Accounts accounts;
  private final Sessions sessions;

  AuthApi(Accounts accounts, Sessions sessions) {
    this.accounts = accounts;
    this.sessions = sessions;
  }

  void register(Router router) {
    router.post("/api/v1/auth/login", Access.PUBLIC, this::login);
    router.post("/api/v1/auth/logout", Access.VIEWER, this::logout);
    router.get("/api/v1/auth/session", Access.VIEWER, this::session);
    router.post("/api/v1/auth/password", Access.VIEWER, this::changePassword);
    router.errors(AuthException.class, e -> problem(e.error()));
  }

  static Problem problem(AuthError error) {
    return switch (error) {
      case AuthError.InvalidCredentials() ->
          Problem.of("invalid-credentials", "Invalid credentials", 401, "wrong email or password");
      case AuthError.RateLimited(Duration wait) ->
          Problem.of(
                  "rate-limited",
                  "Too many attempts",
                  429,
                  "too many failed sign-ins; try again in " + seconds(wait) + " seconds")
              .with("retry_after", seconds(wait));
      case AuthError.BadToken() ->
          Problem.unauthorized("the token is not valid (unknown, revoked or expired)");
      case AuthError.MalformedAuthorization() ->
          Problem.unauthorized("the Authorization header must be 'Bearer <token>'");
      case AuthError.Csrf(String detail) ->
          Problem.of("csrf", "Cross-site request refused", 403, detail);
      case AuthError.Invalid(String field, String detail) -> Problem.invalid(field, detail);
      case AuthError.WrongPassword() ->
          Problem.of(
                  "wrong-password", "Wrong password", 403, "current_password is not your password")
              .with("field", "current_password");
      case AuthError.EmailTaken(String email) ->
          Problem.of("email-taken", "Email taken", 409, "a user with email " + email + " exists");
      case AuthError.NotFound(String what, String id) ->
          Problem.notFound("no " + what + " " + clip(id));
      case AuthError.LastAdmin() ->
          Problem.of(
              "last-admin",
              "Last admin",
              409,
              "Berth needs at least one admin; make another user admin first");
      case AuthError.AdminOnly(String detail) -> Problem.forbidden(detail);
    };
  }

  private Response login(Request request) {
    RequestAuthenticator.checkOrigin(request);
    var body = request.json().only(Set.of("email", "password"));
    var attempt =
        new Sessions.Attempt(
            body.string("email"),
            body.string("password"),
            request.clientAddress(),
            request.header("User-Agent").orElse(null));
    Sessions.Started started;
    try {
      started = sessions.login(attempt, request.requestId());
    } catch (AuthException e) {
      if (e.error() instanceof AuthError.RateLimited(Duration wait)) {
        return Response.problem(problem(e.error()), request.requestId())
            .header("Retry-After", Long.toString(seconds(wait)));
      }
      throw e;
    }
    return Response.ok(Json.obj("user", started.user(), "csrf_token", started.csrfToken()))
        .header("Set-Cookie", cookie(started.cookie(), Sessions.TTL, request.secure()));
  }

  private Response logout(Request request) {
    Principal who = request.user();
    sessions.logout(request.actor(), who);
    return Response.noContent().header("Set-Cookie", cookie("", Duration.ZERO, request.secure()));
  }

  /**
   * The signed-in user and, for a dashboard session, its CSRF token. The cookie is sent again with
   * a fresh max-age, so a browser keeps it as long as the sliding server-side expiry.
   */
  private Response session(Request request) {
    Principal who = request.user();
    var user = accounts.get(who.userId());
    if (who.via() != Principal.Via.SESSION) {
      return Response.ok(Json.obj("user", user, "csrf_token", null));
    }
    var active =
        request
            .cookie(RequestAuthenticator.COOKIE)
            .flatMap(sessions::find)
            .orElseThrow(() -> new ProblemException(Problem.unauthorized("the session ended")));
    return Response.ok(Json.obj("user", user, "csrf_token", active.csrfToken()))
        .header(
            "Set-Cookie",
            cookie(
                request.cookie(RequestAuthenticator.COOKIE).orElseThrow(),
                Sessions.TTL,
                request.secure()));
  }

  private Response changePassword(Request request) {
    var body = request.json().only(Set.of("current_password", "new_password"));
    String current = body.string("current_password");
    String next = body.string("new_password");
    accounts.changeOwnPassword(request.user(), request.actor(), current, next);
    return Response.noContent();
  }

  static String cookie(String value, Duration maxAge, boolean secure) {
    return RequestAuthenticator.COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAge.toSeconds()
        + "; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "");
  }

  private static long seconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }

  /** Echoes at most 64 characters of a caller's value in a message. */
  static String clip(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
