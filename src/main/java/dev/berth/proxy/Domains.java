package dev.berth.proxy;

import dev.berth.core.Actor;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/**
 * Custom domains of apps: which hosts an app may have and the certificates uploaded for them. The
 * checks here come before the store: the app exists, the host is a DNS name that no one else serves
 * (Berth's console and app hosts, an admin route, another domain).
 */
public final class Domains {
  static final int MAX_PEM = 64 * 1024;

  private final DomainStore store;
  private final RouteStore routes;
  private final AppNames apps;
  private final String base;
  private final InstantSource clock;

  public Domains(
      DomainStore store, RouteStore routes, AppNames apps, String domain, InstantSource clock) {
    this.store = store;
    this.routes = routes;
    this.apps = apps;
    this.base = domain.toLowerCase(Locale.ROOT);
    this.clock = clock;
  }

  List<Domain> list(String app) {
    requireApp(app);
    return store.list(app);
  }

  Domain add(Actor actor, String app, String rawHost) {
    requireApp(app);
    String host = rawHost.toLowerCase(Locale.ROOT);
    RouteRules.hostProblem(host)
        .ifPresent(
            problem -> {
              throw new DomainsException(new DomainsError.InvalidDomain("host", problem));
            });
    checkNotTaken(host);
    return store.add(actor, app, host);
  }

  void remove(Actor actor, String app, String host) {
    requireApp(app);
    store.remove(actor, app, host);
  }

  /** Validates and stores an uploaded certificate; it never leaves the store again. */
  Domain upload(Actor actor, String app, String host, String chainPem, String keyPem) {
    requireApp(app);
    var domain =
        store
            .find(host)
            .filter(d -> d.app().equals(app))
            .orElseThrow(() -> new DomainsException(new DomainsError.DomainNotFound(app, host)));
    var chain = parse("certificate", () -> CertificatePem.chain(chainPem));
    var key = parse("private_key", () -> CertificatePem.key(keyPem));
    CertificatePem.unusable(domain.host(), chain, key, clock.instant())
        .ifPresent(
            reason -> {
              throw new DomainsException(
                  new DomainsError.InvalidCertificate("certificate", reason));
            });
    var issued =
        new CertificateVault.Issued(
            host,
            CertificatePem.chainPem(chain),
            CertificatePem.keyPem(key),
            chain.getFirst().getNotAfter().toInstant());
    return store.putCustom(actor, app, issued);
  }

  private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new DomainsException(new DomainsError.InvalidCertificate(field, e.getMessage()));
    }
  }

  private void requireApp(String app) {
    if (!apps.list().contains(app)) {
      throw new DomainsException(new DomainsError.AppNotFound(app));
    }
  }

  /** Berth's own hosts (the console, every possible app host) and admin routes are not for apps. */
  private void checkNotTaken(String host) {
    String suffix = "." + base;
    if (host.equals(base) || host.equals("berth" + suffix) || host.equals("*" + suffix)) {
      throw taken(host, "Berth");
    }
    if (host.endsWith(suffix)) {
      String label = host.substring(0, host.length() - suffix.length());
      if (label.indexOf('.') < 0) {
        throw taken(host, "Berth's app hosts (<app>." + base + ")");
      }
    }
    if (routes.list().stream().anyMatch(r -> r.host().equals(host))) {
      throw taken(host, "an admin route");
    }
  }

  private static DomainsException taken(String host, String owner) {
    return new DomainsException(new DomainsError.HostTaken(host, owner));
  }
}
