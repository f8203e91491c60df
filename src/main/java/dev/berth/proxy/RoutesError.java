package dev.berth.proxy;

import java.util.Optional;

/** Everything the routes API refuses, as data; {@link RoutesApi} maps each case to a problem. */
public sealed interface RoutesError {
  /** A field of a route that is not acceptable; {@code field} is its JSON name. */
  record InvalidRoute(String field, String rule) implements RoutesError {}

  /** A host Berth serves itself (the console, an app); {@code owner} says whose it is. */
  record HostTaken(String host, String owner) implements RoutesError {}

  record RouteExists(String host, String pathPrefix) implements RoutesError {}

  /** No route for {@code host} (with {@code pathPrefix}, when one was named). */
  record RouteNotFound(String host, Optional<String> pathPrefix) implements RoutesError {}
}
