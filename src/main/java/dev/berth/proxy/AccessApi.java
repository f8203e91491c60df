package dev.berth.proxy;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;

/**
 * The proxy's access records for the console.
 *
 * <ul>
 *   <li>{@code GET /api/v1/access?host=&limit=50&before=<id>} (admins): records newest first, with
 *       {@code next} (the id to pass as {@code before}) while more remain.
 *   <li>{@code GET /api/v1/apps/{app}/traffic?minutes=60} (viewers and up): requests per minute by
 *       status class for the app's host {@code <app>.<domain>} and its custom domains, for the
 *       dashboard's sparkline.
 * </ul>
 */
public final class AccessApi {
  static final int MAX_LIMIT = 500;
  static final int MAX_MINUTES = 1440;
  private final AccessRecords records;
  private final AppNames apps;
  private final String domain;
  private final RouteRefresher.CustomHosts custom;
  private final InstantSource clock;

  /** {@code custom}: apps' custom domains, whose requests count as their app's traffic too. */
  public AccessApi(
      AccessRecords records,
      AppNames apps,
      String domain,
      RouteRefresher.CustomHosts custom,
      InstantSource clock) {
    this.records = records;
    this.apps = apps;
    this.custom = custom;
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.clock = clock;
  }

  public void register(Router router) {
    router.get("/api/v1/access", Access.ADMIN, this::list);
    router.get("/api/v1/apps/{name}/traffic", Access.VIEWER, this::traffic);
  }

  private Response list(Request request) {
    int limit = number(request.query("limit"), "limit", 50, MAX_LIMIT);
    var host = request.query("host").filter(h -> !h.isEmpty()).map(AccessApi::host);
    var before = request.query("before").filter(b -> !b.isEmpty()).map(AccessApi::before);
    var found = records.list(host, before, limit + 1);
    boolean more = found.size() > limit;
    var page = more ? found.subList(0, limit) : found;
    return Response.ok(Json.obj("records", page, "next", more ? page.getLast().id() : null));
  }

  private Response traffic(Request request) {
    String app = request.param("name");
    if (!apps.list().contains(app)) {
      throw new ProblemException(
          Problem.of(
              "app-not-found",
              "App not found",
              404,
              "there is no app named " + Json.write(cut(app))));
    }
    int minutes = number(request.query("minutes"), "minutes", 60, MAX_MINUTES);
    String host = app + "." + domain;
    var hosts = new java.util.ArrayList<String>();
    hosts.add(host);
    custom.list().stream().filter(c -> c.app().equals(app)).forEach(c -> hosts.add(c.host()));
    return Response.ok(
        Json.obj(
            "app",
            app,
            "host",
            host,
            "hosts",
            hosts,
            "minutes",
            minutes,
            "buckets",
            records.traffic(hosts, clock.millis(), minutes)));
  }

  private static int number(Optional<String> text, String field, int fallback, int max) {
    if (text.isEmpty() || text.get().isEmpty()) {
      return fallback;
    }
    String value = text.get();
    if (value.length() <= 6 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= max) {
        return n;
      }
    }
    throw new ProblemException(
        Problem.invalid(field, field + " must be a whole number from 1 to " + max));
  }

  /** Any host the proxy may have recorded: printable, at most 253 characters. */
  private static String host(String host) {
    if (host.length() > 253 || host.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw new ProblemException(
          Problem.invalid("host", "host is a host name of at most 253 printable characters"));
    }
    return AccessRecord.hostName(host.toLowerCase(Locale.ROOT));
  }

  /** A record id: 26 characters of 0-9 and a-z (the {@code next} of a previous page). */
  private static String before(String id) {
    if (id.length() != 26
        || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
      throw new ProblemException(
          Problem.invalid("before", "before is the id of a record (the next of a previous page)"));
    }
    return id;
  }

  private static String cut(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }
}
