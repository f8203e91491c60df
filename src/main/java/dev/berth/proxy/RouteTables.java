package dev.berth.proxy;

import dev.berth.core.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the route table from what the store holds. Berth's own hosts come first and win: a stored
 * route to a host that became an app's (the app was created after the route) is left out and
 * reported, never mixed with the app's routes.
 *
 * <pre>
 * berth.&lt;domain&gt;            /         ─► Console
 * &lt;app&gt;.&lt;domain&gt;            /         ─► Upstreams(live instances), or NoInstances(app) when none
 * &lt;app&gt;.&lt;domain&gt;            /_berth/  ─► Console
 * custom domain of an app   (as the app's own host)
 * stored host               prefix    ─► Upstreams(targets, balance)
 * stored host with a root    prefix    ─► Static(root, spa)
 * </pre>
 */
final class RouteTables {
  static final String CONSOLE_PREFIX = "/_berth/";

  /** The table and the stored routes it left out because Berth owns their host. */
  record Built(RouteTable table, List<StoredRoute> shadowed) {}

  private RouteTables() {}

  static Built build(String domain, List<StoredRoute> stored, List<String> apps) {
    return build(domain, stored, apps, Map.of(), List.of());
  }

  /**
   * {@code live}: the live instances of each app that has some (an app without is absent); {@code
   * custom}: apps' custom domains, each routed like its app's own host.
   */
  static Built build(
      String domain,
      List<StoredRoute> stored,
      List<String> apps,
      Map<String, Target> live,
      List<CustomHost> custom) {
    String base = domain.toLowerCase(Locale.ROOT);
    var routes = new ArrayList<Route>();
    var berths = new HashSet<String>();
    String console = "berth." + base;
    routes.add(new Route(console, "/", new Target.Console()));
    berths.add(console);
    for (String app : apps) {
      appRoutes(app + "." + base, app, live, routes, berths);
    }
    var appSet = Set.copyOf(apps);
    for (CustomHost host : custom) {
      if (appSet.contains(host.app()) && !berths.contains(host.host())) {
        appRoutes(host.host(), host.app(), live, routes, berths);
      }
    }
    var shadowed = new ArrayList<StoredRoute>();
    for (StoredRoute route : stored) {
      if (berths.contains(route.host())) {
        shadowed.add(route);
      } else {
        routes.add(new Route(route.host(), route.pathPrefix(), target(route)));
      }
    }
    return new Built(new RouteTable(routes), List.copyOf(shadowed));
  }

  private static void appRoutes(
      String host, String app, Map<String, Target> live, List<Route> routes, Set<String> berths) {
    routes.add(new Route(host, "/", live.getOrDefault(app, new Target.NoInstances(app))));
    routes.add(new Route(host, CONSOLE_PREFIX, new Target.Console()));
    berths.add(host);
  }

  private static Target target(StoredRoute route) {
    if (route.root() != null) {
      return new Target.Static(java.nio.file.Path.of(route.root()), route.spa());
    }
    return new Target.Upstreams(
        route.targets().stream().map(HostPort::parse).toList(), route.balance());
  }
}
