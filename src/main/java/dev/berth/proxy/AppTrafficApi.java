package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Json;
import dev.berth.core.Problem;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * {@code /api/v1/apps/{name}/instances} (admins only): where an app's traffic goes, for users who
 * run an app's processes themselves (the deploy engine calls {@link AppTraffic} directly).
 *
 * <p>{@code PUT} switches and answers once the old instances drained (or the drain timed out and
 * their connections were closed), so a script can stop the old process as soon as it returns. An
 * empty list stops the app's traffic (503 "no instances" again). The wait is bounded by {@code
 * drain_timeout_seconds} (at most {@link #MAX_DRAIN_SECONDS}).
 */
public final class AppTrafficApi {
  static final long MAX_DRAIN_SECONDS = 300;
  static final long DEFAULT_DRAIN_SECONDS = 30;
  private static final Set<String> FIELDS = Set.of("instances", "drain_timeout_seconds", "balance");
  private static final String INSTANCES_RULE =
      "instances is a list of 0 to "
          + RouteRules.MAX_TARGETS
          + " distinct \"host:port\" strings (empty: stop routing to the app)";
  private static final String DRAIN_RULE =
      "drain_timeout_seconds is a whole number from 0 to " + MAX_DRAIN_SECONDS;

  /** A checked PUT body. */
  record Change(List<HostPort> instances, Target.Balance balance, Duration drainTimeout) {}

  private final AppTraffic traffic;

  public AppTrafficApi(AppTraffic traffic) {
    this.traffic = traffic;
  }

  public void register(Router router) {
    router.get("/api/v1/apps/{name}/instances", Access.ADMIN, this::get);
    router.put("/api/v1/apps/{name}/instances", Access.ADMIN, this::put);
    router.errors(TrafficException.class, e -> problem(e.error()));
  }

  private Response get(Request request) {
    return Response.ok(json(traffic.live(request.param("name"))));
  }

  private Response put(Request request) throws InterruptedException {
    String app = request.param("name");
    traffic.live(app); // an unknown app is 404 before the body is judged
    var change = change(request.json().fields());
    var drain = traffic.switchTo(app, change.instances(), change.balance(), change.drainTimeout());
    AppTraffic.Drained drained;
    try {
      drained = drain.drained().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the drain failed", e.getCause());
    }
    var body = json(drain.now());
    body.put(
        "drain",
        Json.obj(
            "instances", drained.drained().stream().map(HostPort::toString).toList(),
            "complete", drained.complete(),
            "open_at_deadline", drained.openAtDeadline(),
            "connections_closed", drained.closed(),
            "millis", drained.took().toMillis()));
    return Response.ok(body);
  }

  static Change change(Map<String, Object> fields) {
    for (String name : fields.keySet()) {
      if (!FIELDS.contains(name)) {
        throw invalid(
            cut(name),
            "unknown field " + cut(name) + "; allowed: balance, drain_timeout_seconds, instances");
      }
    }
    var balance = Target.Balance.ROUND_ROBIN;
    Object rawBalance = fields.get("balance");
    if (rawBalance != null) {
      if (!(rawBalance instanceof String text)) {
        throw invalid("balance", RouteRules.BALANCE_RULE);
      }
      balance =
          RouteRules.balance(text).orElseThrow(() -> invalid("balance", RouteRules.BALANCE_RULE));
    }
    long seconds = DEFAULT_DRAIN_SECONDS;
    Object rawDrain = fields.get("drain_timeout_seconds");
    if (rawDrain != null) {
      if (!(rawDrain instanceof Long n) || n < 0 || n > MAX_DRAIN_SECONDS) {
        throw invalid("drain_timeout_seconds", DRAIN_RULE);
      }
      seconds = n;
    }
    return new Change(instances(fields.get("instances")), balance, Duration.ofSeconds(seconds));
  }

  private static List<HostPort> instances(Object value) {
    if (!(value instanceof List<?> list) || list.size() > RouteRules.MAX_TARGETS) {
      throw invalid("instances", INSTANCES_RULE);
    }
    var out = new ArrayList<HostPort>(list.size());
    var seen = new HashSet<String>();
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw invalid("instances", INSTANCES_RULE);
      }
      var problem = RouteRules.targetProblem(s);
      if (problem.isPresent()) {
        throw invalid("instances", problem.get());
      }
      if (!seen.add(s)) {
        throw invalid("instances", "the instance " + s + " is listed twice");
      }
      out.add(HostPort.parse(s));
    }
    return out;
  }

  private static Map<String, Object> json(AppTraffic.Live live) {
    return Json.obj(
        "app", live.app(),
        "instances", live.instances().stream().map(HostPort::toString).toList(),
        "balance", live.balance());
  }

  private static TrafficException invalid(String field, String rule) {
    return new TrafficException(new TrafficError.InvalidInstances(field, rule));
  }

  static Problem problem(TrafficError error) {
    return switch (error) {
      case TrafficError.AppNotFound(var app) ->
          Problem.of(
              "app-not-found",
              "App not found",
              404,
              "there is no app named " + Json.write(cut(app)));
      case TrafficError.InvalidInstances(var field, var rule) ->
          Problem.of("invalid-instances", "Invalid instances", 422, cut(rule)).with("field", field);
    };
  }

  /** Echoes user input in a problem, cut short so a hostile value cannot fill the answer. */
  private static String cut(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
