package dev.berth.auth;

import dev.berth.core.Principal;
import dev.berth.web.Authenticator;
import dev.berth.web.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who sent a console request: a bearer token first, else the dashboard session cookie.
 *
 * <pre>
 * Authorization present ─► "Bearer &lt;token&gt;"? ─no─► 401
 *                          live token? ─no─► 401 (same answer for unknown, revoked, expired)
 * else cookie berth_session ─► live session? ─no─► not signed in
 *      write method ─► Origin (when sent) matches Host, X-CSRF-Token matches ─no─► 403 csrf
 * </pre>
 *
 * Bearer requests need no CSRF token: a browser never adds that header by itself.
 */
public final class RequestAuthenticator implements Authenticator {
  public static final String COOKIE = "berth_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final ApiTokens tokens;
  private final Sessions sessions;

  RequestAuthenticator(ApiTokens tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Override
  public Optional<Principal> authenticate(Request request) {
    var authorization = request.header("Authorization");
    if (authorization.isPresent()) {
      String token = bearer(authorization.get());
      return Optional.of(
          tokens
              .authenticate(token)
              .orElseThrow(() -> new AuthException(new AuthError.BadToken())));
    }
    var cookie = request.cookie(COOKIE);
    if (cookie.isEmpty()) {
      return Optional.empty();
    }
    var session = sessions.find(cookie.get());
    if (session.isEmpty()) {
      return Optional.empty();
    }
    if (!SAFE_METHODS.contains(request.method())) {
      checkOrigin(request);
      String sent = request.header(CSRF_HEADER).orElse("");
      if (!Secrets.constantTimeEquals(sent, session.get().csrfToken())) {
        throw new AuthException(
            new AuthError.Csrf("send the session's csrf_token in the " + CSRF_HEADER + " header"));
      }
    }
    return Optional.of(session.get().principal());
  }

  private static String bearer(String header) {
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      throw new AuthException(new AuthError.MalformedAuthorization());
    }
    String token = value.substring(space + 1).strip();
    if (token.isEmpty() || token.contains(" ")) {
      throw new AuthException(new AuthError.MalformedAuthorization());
    }
    return token;
  }

  /**
   * Refuses a browser request whose {@code Origin} names another site than the {@code Host} it was
   * sent to, so another site's page cannot act with a signed-in user's cookie.
   */
  static void checkOrigin(Request request) {
    var origin = request.header("Origin");
    if (origin.isEmpty()) {
      return;
    }
    String host = request.header("Host").orElse("").toLowerCase(Locale.ROOT);
    if (!host.isEmpty() && host.equals(authority(origin.get()))) {
      return;
    }
    throw new AuthException(
        new AuthError.Csrf("the request's Origin does not match the console's address"));
  }

  private static String authority(String origin) {
    try {
      String authority = new URI(origin.strip()).getRawAuthority();
      return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return "";
    }
  }
}
