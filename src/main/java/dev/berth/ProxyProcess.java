package dev.berth;

import dev.berth.apps.Apps;
import dev.berth.core.Audit;
import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Log;
import dev.berth.core.Metrics;
import dev.berth.core.ProxyTrust;
import dev.berth.core.SecretBox;
import dev.berth.core.StartupException;
import dev.berth.proxy.AccessSink;
import dev.berth.proxy.AppNames;
import dev.berth.proxy.AppTargets;
import dev.berth.proxy.CertificateBook;
import dev.berth.proxy.CertificateRefresher;
import dev.berth.proxy.CertificateVault;
import dev.berth.proxy.DomainStore;
import dev.berth.proxy.EdgeServer;
import dev.berth.proxy.ProxyLimits;
import dev.berth.proxy.RouteRefresher;
import dev.berth.proxy.RouteStore;
import dev.berth.proxy.Routes;
import dev.berth.store.DataDir;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code berth proxy}: the edge proxy alone, beside a {@code berth serve} (or several, on
 * PostgreSQL) that owns the store. It only reads: it takes no data-dir lock, runs no migration and
 * writes nothing, so it can start, stop and restart while the console runs or is being upgraded.
 *
 * <pre>
 * open store (read) ─► schema as new as this Berth? ─► first route table + certificates ─► listen
 *   refresher: LISTEN berth_routes (PostgreSQL) + poll every second ─► rebuild + swap
 *   certificates: polled every second (sealed with the master key) ─► HTTPS by SNI
 *   ACME HTTP-01 tokens it does not hold ─► the console (serve's ACME client holds them)
 *   store or console down: the last table keeps serving
 * </pre>
 */
final class ProxyProcess implements AutoCloseable {
  private static final Log LOG = Log.of(ProxyProcess.class);
  private static final Audit NO_AUDIT = (actor, action, target, detail) -> {};

  /** What {@code berth proxy} was told. */
  record Config(
      Path dataDir,
      Optional<String> databaseUrl,
      HostPort httpAddr,
      HostPort httpsAddr,
      HostPort console,
      String domain,
      dev.berth.core.ServeConfig.Profile profile) {}

  private final Database database;
  private final RouteRefresher refresher;
  private final Optional<CertificateRefresher> certificates;
  private final CertificateBook book = new CertificateBook();
  private final EdgeServer edge;
  private final Routes routes = new Routes();
  private final boolean trusted;

  ProxyProcess(Config config, Platform.Environment env, Clock clock, RandomGenerator random) {
    this.database = openStore(config);
    EdgeServer bound = null;
    try {
      requireCurrentSchema(database);
      var ids = new Ids(clock, random);
      var apps = new Apps(database, ids, clock, NO_AUDIT);
      AppNames names = () -> apps.list().stream().map(a -> a.name().value()).toList();
      var store = new RouteStore(database, clock, NO_AUDIT, config.domain(), names);
      var key = DataDir.readMasterKey(config.dataDir(), env.get("BERTH_MASTER_KEY"));
      // Custom domains and their certificates (sealed with the store's master key) need the key.
      var domains =
          key.map(
              k ->
                  new DomainStore(
                      database, clock, NO_AUDIT, new CertificateVault(new SecretBox(k, random))));
      if (key.isEmpty()) {
        LOG.warn(
            "no master key (master.key in --data-dir, or BERTH_MASTER_KEY): custom domains are"
                + " not routed and no certificates are served");
      }
      var customHosts =
          domains.map(DomainStore::routeHosts).orElse(RouteRefresher.CustomHosts.NONE);
      this.certificates =
          domains.map(d -> new CertificateRefresher(d, book, Duration.ofSeconds(1)));
      this.refresher =
          new RouteRefresher(
              store,
              names,
              new AppTargets(database, clock),
              routes,
              config.domain(),
              Duration.ofSeconds(1),
              customHosts);
      bound =
          new EdgeServer(
              config.httpAddr(),
              config.httpsAddr(),
              book,
              routes,
              new InetSocketAddress(config.console().host(), config.console().port()),
              new Metrics(),
              ids,
              config.profile() == dev.berth.core.ServeConfig.Profile.SMALL
                  ? 1
                  : Runtime.getRuntime().availableProcessors(),
              ProxyLimits.DEFAULTS,
              AccessSink.NONE);
      this.edge = bound;
      edge.challenges().forwardUnknownToConsole();
      key.ifPresent(k -> edge.consoleTrust(ProxyTrust.derive(k)));
      this.trusted = key.isPresent();
    } catch (RuntimeException e) {
      if (bound != null) {
        bound.stop();
      }
      database.close();
      throw e;
    }
  }

  private static Database openStore(Config config) {
    Path file = config.dataDir().toAbsolutePath().normalize().resolve("berth.db");
    if (config.databaseUrl().isEmpty() && !Files.isRegularFile(file)) {
      throw new StartupException(
          "no Berth store at "
              + file
              + "; start `berth serve` with this --data-dir first, or pass --database-url");
    }
    return Database.open(config.databaseUrl(), file);
  }

  /** The proxy reads tables the current schema has; an older store needs `serve` to migrate. */
  private static void requireCurrentSchema(Database database) {
    int newest = Migrations.ALL.getLast().version();
    int have;
    try {
      var versions = Migrations.appliedVersions(database);
      have = versions.isEmpty() ? 0 : versions.getLast();
    } catch (RuntimeException e) {
      have = 0;
    }
    if (have < newest) {
      throw new StartupException(
          "the store at "
              + database.display()
              + " has no Berth schema or an older one; start `berth serve` of this version on it"
              + " first");
    }
  }

  /** Reads the first table (a store that cannot be read fails the start), then serves. */
  void start() {
    try {
      refresher.start();
      certificates.ifPresent(CertificateRefresher::start);
    } catch (RuntimeException e) {
      refresher.stop();
      throw new StartupException("cannot read routes from " + database.display() + ": " + e);
    }
    edge.start();
    LOG.info(
        "berth proxy started",
        "address",
        edge.address(),
        "store",
        database.display(),
        "routes",
        routes.current().routes().size(),
        "certificates",
        book.size());
  }

  InetSocketAddress address() {
    return edge.address();
  }

  InetSocketAddress tlsAddress() {
    return edge.tlsAddress();
  }

  /** The certificates this proxy serves (kept in step with the store). */
  CertificateBook certificates() {
    return book;
  }

  Database database() {
    return database;
  }

  /** Whether requests to the console carry the proxy's secret (the master key was readable). */
  boolean trustedByConsole() {
    return trusted;
  }

  @Override
  public void close() {
    edge.stop();
    certificates.ifPresent(CertificateRefresher::stop);
    refresher.stop();
    database.close();
  }
}
