package dev.berth.proxy;

import java.util.HashSet;
import java.util.List;

/**
 * A route a user asks for, checked on construction: a value of this type always holds a valid host,
 * path prefix and 1 to {@link RouteRules#MAX_TARGETS} distinct targets.
 */
public record NewRoute(
    String host, String pathPrefix, List<String> targets, Target.Balance balance) {
  public NewRoute {
    check("host", RouteRules.hostProblem(host));
    check("path_prefix", RouteRules.prefixProblem(pathPrefix));
    if (targets == null || targets.isEmpty() || targets.size() > RouteRules.MAX_TARGETS) {
      throw invalid("targets", RouteRules.TARGETS_RULE);
    }
    targets = List.copyOf(targets);
    var seen = new HashSet<String>();
    for (String target : targets) {
      check("targets", RouteRules.targetProblem(target));
      if (!seen.add(target)) {
        throw invalid("targets", "the target " + target + " is listed twice");
      }
    }
    if (balance == null) {
      throw invalid("balance", RouteRules.BALANCE_RULE);
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
