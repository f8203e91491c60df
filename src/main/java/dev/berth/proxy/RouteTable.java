package dev.berth.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of every route, indexed for the request path: one hash lookup for the exact
 * host, then one for the wildcard of its parent domain; within a host the longest matching path
 * prefix wins. Built off the request path and swapped whole through {@link Routes}.
 *
 * <pre>
 * "a.example.com" + "/api/x" ─► exact["a.example.com"] ─► longest prefix covering /api/x
 *                             └► (none) wildcard["example.com"] ─► longest prefix ...
 * </pre>
 */
public final class RouteTable {
  private static final Comparator<Route> LONGEST_PREFIX_FIRST =
      Comparator.comparingInt((Route r) -> r.pathPrefix().length()).reversed();
  public static final RouteTable EMPTY = new RouteTable(List.of());

  private final List<Route> routes;
  private final Map<String, List<Route>> exact = new HashMap<>();
  private final Map<String, List<Route>> wildcard = new HashMap<>();

  public RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
    for (Route route : this.routes) {
      if (route.wildcard()) {
        wildcard.computeIfAbsent(route.host().substring(2), h -> new ArrayList<>()).add(route);
      } else {
        exact.computeIfAbsent(route.host(), h -> new ArrayList<>()).add(route);
      }
    }
    exact.values().forEach(list -> list.sort(LONGEST_PREFIX_FIRST));
    wildcard.values().forEach(list -> list.sort(LONGEST_PREFIX_FIRST));
  }

  /**
   * The route for a request. {@code host} is the Host header's name (any port already removed);
   * case does not matter. {@code path} is the request path without the query.
   */
  public Optional<Route> match(String host, String path) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    var found = firstCovering(exact.get(name), path);
    if (found.isPresent()) {
      return found;
    }
    int dot = name.indexOf('.');
    return dot > 0 ? firstCovering(wildcard.get(name.substring(dot + 1)), path) : Optional.empty();
  }

  private static Optional<Route> firstCovering(List<Route> candidates, String path) {
    if (candidates != null) {
      for (Route route : candidates) {
        if (route.coversPath(path)) {
          return Optional.of(route);
        }
      }
    }
    return Optional.empty();
  }

  public List<Route> routes() {
    return routes;
  }
}
