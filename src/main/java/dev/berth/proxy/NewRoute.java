package dev.berth.proxy;

import java.util.HashSet;
import java.util.List;

/**
 * A route a user asks for, checked on construction: a value of this type always holds a valid host
 * and path prefix, and exactly one destination: 1 to {@link RouteRules#MAX_TARGETS} distinct
 * targets, or a {@code root} folder (absolute, normalised) served as a static site.
 */
public record NewRoute(
    String host,
    String pathPrefix,
    List<String> targets,
    Target.Balance balance,
    String root,
    boolean spa) {
  public NewRoute {
    check("host", RouteRules.hostProblem(host));
    check("path_prefix", RouteRules.prefixProblem(pathPrefix));
    targets = targets == null ? List.of() : List.copyOf(targets);
    if (root != null) {
      if (!targets.isEmpty()) {
        throw invalid("root", RouteRules.ONE_DESTINATION);
      }
      check("root", RouteRules.rootProblem(root));
    } else {
      checkTargets(targets);
      if (spa) {
        throw invalid("spa", "spa applies only to a route with a root folder");
      }
    }
    if (balance == null) {
      throw invalid("balance", RouteRules.BALANCE_RULE);
    }
  }

  /** A route to upstream targets. */
  public NewRoute(String host, String pathPrefix, List<String> targets, Target.Balance balance) {
    this(host, pathPrefix, targets, balance, null, false);
  }

  private static void checkTargets(List<String> targets) {
    if (targets.isEmpty() || targets.size() > RouteRules.MAX_TARGETS) {
      throw invalid("targets", RouteRules.TARGETS_RULE);
    }
    var seen = new HashSet<String>();
    for (String target : targets) {
      check("targets", RouteRules.targetProblem(target));
      if (!seen.add(target)) {
        throw invalid("targets", "the target " + target + " is listed twice");
      }
    }
  }

  private static void check(String field, java.util.Optional<String> problem) {
    if (problem.isPresent()) {
      throw invalid(field, problem.get());
    }
  }

  private static RoutesException invalid(String field, String rule) {
    return new RoutesException(new RoutesError.InvalidRoute(field, rule));
  }
}
