package dev.berth.proxy;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/routes} (admins only): routes a host to services Berth did not deploy, as Caddy's
 * {@code reverse_proxy} would. Every write rebuilds the live route table before it answers, so a
 * route that was acknowledged is already served.
 */
public final class RoutesApi {
  private static final Set<String> CREATE_FIELDS =
      Set.of("host", "targets", "path_prefix", "balance", "root", "spa");

  /** The route object of the API. */
  record RouteJson(
      String host,
      String pathPrefix,
      List<String> targets,
      Target.Balance balance,
      String root,
      boolean spa,
      Instant createdAt,
      Instant updatedAt) {}

  private final RouteStore store;
  private final RouteRefresher refresher;
  private final java.nio.file.Path dataDir;

  /**
   * {@code dataDir}: Berth's own folder (master key, database): no static route may serve it, a
   * folder inside it, or a folder that holds it.
   */
  public RoutesApi(RouteStore store, RouteRefresher refresher, java.nio.file.Path dataDir) {
    this.store = store;
    this.refresher = refresher;
    this.dataDir = dataDir;
  }

  public void register(Router router) {
    router.post("/api/v1/routes", Access.ADMIN, this::create);
    router.get("/api/v1/routes", Access.ADMIN, this::list);
    router.get("/api/v1/routes/{host}", Access.ADMIN, this::get);
    router.delete("/api/v1/routes/{host}", Access.ADMIN, this::delete);
    router.errors(RoutesException.class, e -> problem(e.error()));
  }

  private Response create(Request request) {
    var route = newRoute(request.json().fields());
    if (route.root() != null && overlapsDataDir(java.nio.file.Path.of(route.root()))) {
      throw invalid(
          "root",
          "root may not be Berth's data dir, lie inside it or hold it (its master key and"
              + " database would be served)");
    }
    var stored = store.create(request.actor(), route);
    refresher.refreshAfterWrite();
    return Response.json(201, json(stored))
        .header(
            "Location",
            "/api/v1/routes/" + URLEncoder.encode(stored.host(), StandardCharsets.UTF_8));
  }

  private Response list(Request request) {
    return Response.ok(Json.obj("routes", store.list().stream().map(RoutesApi::json).toList()));
  }

  private Response get(Request request) {
    String host = pathHost(request);
    return Response.ok(
        Json.obj(
            "host", host, "routes", store.forHost(host).stream().map(RoutesApi::json).toList()));
  }

  private Response delete(Request request) {
    String host = pathHost(request);
    var prefix = request.query("path_prefix");
    if (prefix.isPresent() && RouteRules.prefixProblem(prefix.get()).isPresent()) {
      throw new RoutesException(new RoutesError.RouteNotFound(host, prefix));
    }
    store.delete(request.actor(), host, prefix);
    refresher.refreshAfterWrite();
    return Response.noContent();
  }

  /**
   * The host named in the path. One that no route could have is simply not found: the path is a
   * lookup (and the store never sees bytes such as NUL, which PostgreSQL refuses in text).
   */
  private static String pathHost(Request request) {
    String host = request.param("host");
    if (RouteRules.hostProblem(host).isPresent()) {
      throw new RoutesException(new RoutesError.RouteNotFound(host, Optional.empty()));
    }
    return host;
  }

  /** Reads a route from a request body; every refusal names its field as {@code invalid-route}. */
  static NewRoute newRoute(Map<String, Object> fields) {
    for (String name : fields.keySet()) {
      if (!CREATE_FIELDS.contains(name)) {
        throw invalid(
            cut(name),
            "unknown field "
                + cut(name)
                + "; allowed: balance, host, path_prefix, root, spa, targets");
      }
    }
    String host = text(fields, "host").orElseThrow(() -> invalid("host", "host is required"));
    String prefix = text(fields, "path_prefix").orElse("/");
    var balance =
        text(fields, "balance")
            .map(
                b ->
                    RouteRules.balance(b)
                        .orElseThrow(() -> invalid("balance", RouteRules.BALANCE_RULE)))
            .orElse(Target.Balance.ROUND_ROBIN);
    var root = text(fields, "root");
    if (root.isPresent() == fields.containsKey("targets")) {
      throw invalid(root.isPresent() ? "root" : "targets", RouteRules.ONE_DESTINATION);
    }
    boolean spa = flag(fields, "spa");
    var targets = root.isPresent() ? List.<String>of() : targets(fields.get("targets"));
    return new NewRoute(host, prefix, targets, balance, root.orElse(null), spa);
  }

  private boolean overlapsDataDir(java.nio.file.Path root) {
    try {
      var folder = root.toRealPath();
      var data = dataDir.toRealPath();
      return folder.startsWith(data) || data.startsWith(folder);
    } catch (java.io.IOException e) {
      return true; // the root was checked to exist: failing to resolve it now is no reason to serve
    }
  }

  private static boolean flag(Map<String, Object> fields, String name) {
    Object value = fields.get(name);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      throw invalid(name, name + " must be true or false");
    }
    return b;
  }

  private static Optional<String> text(Map<String, Object> fields, String name) {
    Object value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw invalid(name, name + " must be a string");
    }
    return Optional.of(s);
  }

  private static List<String> targets(Object value) {
    if (!(value instanceof List<?> list) || list.size() > RouteRules.MAX_TARGETS) {
      throw invalid("targets", RouteRules.TARGETS_RULE);
    }
    var out = new ArrayList<String>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw invalid("targets", RouteRules.TARGETS_RULE);
      }
      out.add(s);
    }
    return out;
  }

  private static RoutesException invalid(String field, String rule) {
    return new RoutesException(new RoutesError.InvalidRoute(field, rule));
  }

  private static RouteJson json(StoredRoute route) {
    return new RouteJson(
        route.host(),
        route.pathPrefix(),
        route.targets(),
        route.balance(),
        route.root(),
        route.spa(),
        route.createdAt(),
        route.updatedAt());
  }

  static Problem problem(RoutesError error) {
    return switch (error) {
      case RoutesError.InvalidRoute(var field, var rule) ->
          Problem.of("invalid-route", "Invalid route", 422, cut(rule)).with("field", field);
      case RoutesError.HostTaken(var host, var owner) ->
          Problem.of(
                  "host-taken",
                  "Host taken",
                  409,
                  "the host " + host + " belongs to " + owner + "; Berth routes it itself")
              .with("host", host);
      case RoutesError.RouteExists(var host, var prefix) ->
          Problem.of(
                  "route-exists",
                  "Route exists",
                  409,
                  "a route for " + host + " with path prefix " + prefix + " already exists")
              .with("host", host)
              .with("path_prefix", prefix);
      case RoutesError.RouteNotFound(var host, var prefix) ->
          Problem.of(
              "route-not-found",
              "Route not found",
              404,
              "there is no route for "
                  + Json.write(cut(host))
                  + prefix.map(p -> " with path prefix " + Json.write(cut(p))).orElse(""));
    };
  }

  /** Echoes user input in a problem, cut short so a hostile value cannot fill the answer. */
  private static String cut(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
