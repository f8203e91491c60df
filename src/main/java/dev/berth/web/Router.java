package dev.berth.web;

import dev.berth.core.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The console's route table. Patterns are literal segments and {@code {name}} parameters; a request
 * matches the first route whose segments all match. Each domain's {@code XxxApi} registers its
 * routes and one mapper from its exception type to a {@link Problem}.
 */
public final class Router {
  /** One registered route; {@code summary} is its one-line description (also in OpenAPI). */
  public record Route(
      String method, String pattern, Access access, Handler handler, String[] segments) {
    boolean matchesPath(String[] parts, Map<String, String> params) {
      if (parts.length != segments.length) {
        return false;
      }
      for (int i = 0; i < parts.length; i++) {
        String seg = segments[i];
        if (seg.startsWith("{") && seg.endsWith("}")) {
          if (parts[i].isEmpty()) {
            return false;
          }
          params.put(seg.substring(1, seg.length() - 1), parts[i]);
        } else if (!seg.equals(parts[i])) {
          return false;
        }
      }
      return true;
    }
  }

  /** The outcome of matching: a route with its parameters, or the methods the path allows. */
  public sealed interface Match {
    record Found(Route route, Map<String, String> params) implements Match {}

    record WrongMethod(List<String> allowed) implements Match {}

    record Missing() implements Match {}
  }

  private record ErrorMapper<E extends RuntimeException>(Class<E> type, Function<E, Problem> map) {
    Optional<Problem> apply(RuntimeException e) {
      return type.isInstance(e) ? Optional.of(map.apply(type.cast(e))) : Optional.empty();
    }
  }

  private final List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<ErrorMapper<?>> mappers = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Router get(String pattern, Access access, Handler handler) {
    return add("GET", pattern, access, handler);
  }

  public Router post(String pattern, Access access, Handler handler) {
    return add("POST", pattern, access, handler);
  }

  public Router put(String pattern, Access access, Handler handler) {
    return add("PUT", pattern, access, handler);
  }

  public Router patch(String pattern, Access access, Handler handler) {
    return add("PATCH", pattern, access, handler);
  }

  public Router delete(String pattern, Access access, Handler handler) {
    return add("DELETE", pattern, access, handler);
  }

  public synchronized Router add(String method, String pattern, Access access, Handler handler) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("patterns start with /: " + pattern);
    }
    for (Route r : routes) {
      if (r.method().equals(method) && r.pattern().equals(pattern)) {
        throw new IllegalArgumentException("route registered twice: " + method + " " + pattern);
      }
    }
    routes.add(new Route(method, pattern, access, handler, split(pattern)));
    return this;
  }

  /** Maps a domain's exception to a problem; registered once per domain by its Api. */
  public synchronized <E extends RuntimeException> Router errors(
      Class<E> type, Function<E, Problem> mapper) {
    mappers.add(new ErrorMapper<>(type, mapper));
    return this;
  }

  public Match match(String method, String path) {
    String[] parts = split(path);
    var allowed = new TreeSet<String>();
    for (Route route : routes) {
      var params = new LinkedHashMap<String, String>();
      if (!route.matchesPath(parts, params)) {
        continue;
      }
      if (route.method().equals(method)
          || (method.equals("HEAD") && route.method().equals("GET"))) {
        return new Match.Found(route, params);
      }
      allowed.add(route.method());
    }
    return allowed.isEmpty() ? new Match.Missing() : new Match.WrongMethod(List.copyOf(allowed));
  }

  Optional<Problem> mapError(RuntimeException e) {
    for (var mapper : mappers) {
      var problem = mapper.apply(e);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /** Every registered route, in registration order (the OpenAPI test compares against these). */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  private static String[] split(String path) {
    String trimmed =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/")) {
      return new String[] {""};
    }
    return trimmed.substring(1).split("/", -1);
  }
}
