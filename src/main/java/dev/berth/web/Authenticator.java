package dev.berth.web;

import dev.berth.core.Principal;
import java.util.Optional;

/**
 * The port the auth domain fills: who sent this request? Returns empty when the request carries no
 * credentials, and throws a {@link dev.berth.core.ProblemException} (401 or 403) when it carries
 * bad ones or fails the CSRF check of a cookie session.
 */
@FunctionalInterface
public interface Authenticator {
  Optional<Principal> authenticate(Request request);

  Authenticator NONE = request -> Optional.empty();
}
