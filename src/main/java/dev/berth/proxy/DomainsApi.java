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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/apps/{app}/domains}: custom domains of an app and their certificates. Viewers
 * list, members change. A new domain routes at once and its certificate is issued in the
 * background; an uploaded certificate's key is stored sealed and never returned.
 */
public final class DomainsApi {
  private static final String BASE = "/api/v1/apps/{app}/domains";

  /** The domain object of the API. */
  record DomainJson(String host, String app, Instant createdAt, CertificateJson certificate) {}

  record CertificateJson(
      Domain.Status status,
      Optional<Domain.Source> source,
      Optional<Instant> notAfter,
      Optional<String> error,
      Optional<Instant> nextAttemptAt,
      int attempts) {}

  private final Domains domains;
  private final RouteRefresher routes;
  private final CertificateRefresher certificates;
  private final CertificateRenewer renewer;

  public DomainsApi(
      Domains domains,
      RouteRefresher routes,
      CertificateRefresher certificates,
      CertificateRenewer renewer) {
    this.domains = domains;
    this.routes = routes;
    this.certificates = certificates;
    this.renewer = renewer;
  }

  public void register(Router router) {
    router.post(BASE, Access.MEMBER, this::create);
    router.get(BASE, Access.VIEWER, this::list);
    router.delete(BASE + "/{host}", Access.MEMBER, this::delete);
    router.put(BASE + "/{host}/certificate", Access.MEMBER, this::upload);
    router.errors(DomainsException.class, e -> problem(e.error()));
  }

  private Response create(Request request) {
    var fields = only(request.json().fields(), Set.of("host"));
    String host = text(fields, "host", RouteRules.MAX_HOST);
    var domain = domains.add(request.actor(), request.param("app"), host);
    routes.refreshAfterWrite();
    renewer.wake();
    return Response.json(201, json(domain))
        .header(
            "Location",
            "/api/v1/apps/"
                + URLEncoder.encode(domain.app(), StandardCharsets.UTF_8)
                + "/domains/"
                + URLEncoder.encode(domain.host(), StandardCharsets.UTF_8));
  }

  private Response list(Request request) {
    return Response.ok(
        Json.obj(
            "domains", domains.list(request.param("app")).stream().map(DomainsApi::json).toList()));
  }

  private Response delete(Request request) {
    String app = request.param("app");
    domains.remove(request.actor(), app, pathHost(request));
    routes.refreshAfterWrite();
    certificates.refreshAfterWrite();
    return Response.noContent();
  }

  private Response upload(Request request) {
    String app = request.param("app");
    String host = pathHost(request);
    var fields = only(request.json().fields(), Set.of("certificate", "private_key"));
    var domain =
        domains.upload(
            request.actor(),
            app,
            host,
            text(fields, "certificate", Domains.MAX_PEM),
            text(fields, "private_key", Domains.MAX_PEM));
    certificates.refreshAfterWrite();
    return Response.ok(json(domain));
  }

  /** The host named in the path; one no domain could have is simply not found. */
  private static String pathHost(Request request) {
    String host = request.param("host").toLowerCase(Locale.ROOT);
    if (RouteRules.hostProblem(host).isPresent()) {
      throw new DomainsException(
          new DomainsError.DomainNotFound(request.param("app"), request.param("host")));
    }
    return host;
  }

  private static Map<String, Object> only(Map<String, Object> fields, Set<String> allowed) {
    for (String name : fields.keySet()) {
      if (!allowed.contains(name)) {
        throw new DomainsException(
            new DomainsError.InvalidDomain(
                cut(name),
                "unknown field "
                    + cut(name)
                    + "; allowed: "
                    + String.join(", ", allowed.stream().sorted().toList())));
      }
    }
    return fields;
  }

  private static String text(Map<String, Object> fields, String name, int max) {
    Object value = fields.get(name);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new DomainsException(
          new DomainsError.InvalidDomain(name, name + " is required and must be a string"));
    }
    if (s.length() > max) {
      throw new DomainsException(
          new DomainsError.InvalidDomain(name, name + " is longer than " + max + " characters"));
    }
    return s;
  }

  private static DomainJson json(Domain domain) {
    return new DomainJson(
        domain.host(),
        domain.app(),
        domain.createdAt(),
        new CertificateJson(
            domain.status(),
            domain.source(),
            domain.notAfter(),
            domain.error(),
            domain.nextAttemptAt(),
            domain.attempts()));
  }

  static Problem problem(DomainsError error) {
    return switch (error) {
      case DomainsError.InvalidDomain(var field, var rule) ->
          Problem.of("invalid-domain", "Invalid domain", 422, cut(rule)).with("field", field);
      case DomainsError.InvalidCertificate(var field, var reason) ->
          Problem.of("invalid-certificate", "Invalid certificate", 422, cut(reason))
              .with("field", field);
      case DomainsError.AppNotFound(var app) ->
          Problem.of(
              "app-not-found", "App not found", 404, "there is no app " + Json.write(cut(app)));
      case DomainsError.HostTaken(var host, var owner) ->
          Problem.of("host-taken", "Host taken", 409, "the host " + host + " belongs to " + owner)
              .with("host", host);
      case DomainsError.DomainExists(var host, var app) ->
          Problem.of(
                  "domain-exists",
                  "Domain exists",
                  409,
                  "the domain " + host + " is already added" + " (to the app " + app + ")")
              .with("host", host);
      case DomainsError.DomainNotFound(var app, var host) ->
          Problem.of(
              "domain-not-found",
              "Domain not found",
              404,
              "the app " + Json.write(cut(app)) + " has no domain " + Json.write(cut(host)));
    };
  }

  /** Echoes user input in a problem, cut short so a hostile value cannot fill the answer. */
  private static String cut(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
