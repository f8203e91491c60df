package dev.berth;

import dev.berth.apps.AppEnv;
import dev.berth.apps.Apps;
import dev.berth.apps.AppsApi;
import dev.berth.audit.AuditApi;
import dev.berth.audit.AuditLog;
import dev.berth.auth.Auth;
import dev.berth.core.Ids;
import dev.berth.core.Json;
import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.core.Metrics;
import dev.berth.core.ProxyTrust;
import dev.berth.core.SecretBox;
import dev.berth.core.ServeConfig;
import dev.berth.core.Version;
import dev.berth.proxy.AccessApi;
import dev.berth.proxy.AccessLog;
import dev.berth.proxy.AccessRecords;
import dev.berth.proxy.AccessSink;
import dev.berth.proxy.AcmeChallenges;
import dev.berth.proxy.AcmeChallengesApi;
import dev.berth.proxy.AppNames;
import dev.berth.proxy.AppTargets;
import dev.berth.proxy.AppTraffic;
import dev.berth.proxy.AppTrafficApi;
import dev.berth.proxy.CertificateBook;
import dev.berth.proxy.CertificateRefresher;
import dev.berth.proxy.CertificateRenewer;
import dev.berth.proxy.CertificateVault;
import dev.berth.proxy.DomainStore;
import dev.berth.proxy.Domains;
import dev.berth.proxy.DomainsApi;
import dev.berth.proxy.EdgeServer;
import dev.berth.proxy.ProxyLimits;
import dev.berth.proxy.RouteRefresher;
import dev.berth.proxy.RouteStore;
import dev.berth.proxy.Routes;
import dev.berth.proxy.RoutesApi;
import dev.berth.runtime.RuntimeSelector;
import dev.berth.store.DataDir;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import dev.berth.web.ConsoleServer;
import dev.berth.web.HealthApi;
import dev.berth.web.MetricsApi;
import dev.berth.web.OpenApiApi;
import dev.berth.web.Router;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The composition root: builds every part with its constructor, in dependency order, and owns their
 * lifecycles. Nothing is looked up at run time; a missing dependency is a compile error.
 *
 * <pre>
 * bind console + proxy ─► choose runtime ─► lock data dir ─► open store ─► migrate ─► domains + APIs ─► start
 * stop: in reverse (console drains requests in flight, then the store closes, then the lock)
 * </pre>
 *
 * If anything fails while building, what was opened is closed and a data dir created by this start
 * is removed, so a failed start leaves nothing half-made.
 */
public final class Platform implements AutoCloseable {
  private static final Log LOG = Log.of(Platform.class);

  /** How much of the environment the platform reads (injected so tests control it). */
  public interface Environment {
    Optional<String> get(String name);
  }

  private final ServeConfig config;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<Lifecycle> parts = new ArrayList<>();
  private final List<Lifecycle> started = new ArrayList<>();
  private final ConsoleServer console;
  private final EdgeServer edge;
  private final DataDir dataDir;
  private final Database database;
  private final Router router;
  private final Routes routes = new Routes();
  // The proxy binds before the store opens; its access records go to the log once there is one.
  private final java.util.concurrent.atomic.AtomicReference<AccessSink> access =
      new java.util.concurrent.atomic.AtomicReference<>(AccessSink.NONE);
  private AccessLog accessLog;
  private final CertificateBook certificates = new CertificateBook();
  private final Optional<String> firstStartPassword;
  private AppTraffic traffic;
  private final ProxyTrust proxyTrust;

  public Platform(ServeConfig config, Environment env, Clock clock, RandomGenerator random) {
    this.config = config;
    var ids = new Ids(clock, random);
    var metrics = new Metrics();
    this.router = new Router();
    DataDir dir = null;
    ConsoleServer consoleServer = null;
    EdgeServer edgeServer = null;
    try {
      consoleServer = new ConsoleServer(config.consoleAddr(), router, metrics, ids, 10);
      this.console = consoleServer;
      edgeServer =
          new EdgeServer(
              config.httpAddr(),
              config.httpsAddr(),
              certificates,
              routes,
              consoleServer.address(),
              metrics,
              ids,
              // One event loop idles smallest; the throughput profile uses every core.
              config.profile() == ServeConfig.Profile.SMALL
                  ? 1
                  : Runtime.getRuntime().availableProcessors(),
              ProxyLimits.DEFAULTS,
              r -> access.get().record(r));
      this.edge = edgeServer;
      var runtime = RuntimeSelector.choose(config.runtime(), env.get("DOCKER_HOST"));
      dir = DataDir.open(config.dataDir());
      this.dataDir = dir;
      this.database = Database.open(config.databaseUrl(), dir.database());
      opened.add(database);
      Migrations.migrate(database, clock);
      byte[] masterKey = dir.masterKey(env.get("BERTH_MASTER_KEY"), random);
      this.proxyTrust = ProxyTrust.derive(masterKey);
      console.trustProxy(proxyTrust);
      edge.consoleTrust(proxyTrust);
      this.firstStartPassword = wireDomains(ids, clock, new SecretBox(masterKey, random), metrics);
      wirePlatformApis(metrics, clock, runtime);
      parts.add(console);
      parts.add(edge);
    } catch (RuntimeException e) {
      // Free the ports bound above: a failed start leaves nothing listening.
      if (edgeServer != null) {
        edgeServer.stop();
      }
      if (consoleServer != null) {
        consoleServer.stop();
      }
      closeOpened();
      if (dir != null) {
        dir.discardIfCreated();
      }
      throw e;
    }
  }

  /**
   * Domains, each with what it needs and nothing more. Returns the admin password generated on the
   * first start of an empty store.
   */
  private Optional<String> wireDomains(Ids ids, Clock clock, SecretBox secrets, Metrics metrics) {
    var auditLog = new AuditLog(database, ids, clock);
    new AuditApi(auditLog).register(router);
    var auth = new Auth(database, ids, clock, auditLog);
    auth.register(router);
    console.authenticator(auth.authenticator());
    var apps = new Apps(database, ids, clock, auditLog);
    var appEnv = new AppEnv(database, secrets, clock, auditLog);
    new AppsApi(apps, appEnv, this::appUrl).register(router);
    AppNames appNames = () -> apps.list().stream().map(a -> a.name().value()).toList();
    var routeStore = new RouteStore(database, clock, auditLog, config.domain(), appNames);
    var appTargets = new AppTargets(database, clock);
    var domainStore = new DomainStore(database, clock, auditLog, new CertificateVault(secrets));
    var refresher =
        new RouteRefresher(
            routeStore,
            appNames,
            appTargets,
            routes,
            config.domain(),
            Duration.ofSeconds(1),
            domainStore.routeHosts());
    parts.add(refresher);
    new RoutesApi(routeStore, refresher, dataDir.root()).register(router);
    accessLog = new AccessLog(database, clock, ids, metrics, AccessLog.Settings.DEFAULTS);
    access.set(accessLog);
    parts.add(accessLog);
    new AccessApi(
            new AccessRecords(database), appNames, config.domain(), domainStore.routeHosts(), clock)
        .register(router);
    this.traffic = new AppTraffic(appTargets, refresher, appNames, edge, clock);
    new AppTrafficApi(traffic).register(router);
    wireCertificates(domainStore, routeStore, appNames, refresher, clock);
    return auth.firstStart(config.bootstrap());
  }

  /** Custom domains, their certificates and the job that issues and renews them over ACME. */
  private void wireCertificates(
      DomainStore store,
      RouteStore routeStore,
      AppNames appNames,
      RouteRefresher refresher,
      Clock clock) {
    var loaded = new CertificateRefresher(store, certificates, Duration.ofSeconds(1));
    parts.add(loaded);
    var renewer =
        CertificateRenewer.overAcme(config.acme(), edge.challenges(), store, loaded, clock);
    parts.add(renewer);
    var domains = new Domains(store, routeStore, appNames, config.domain(), clock);
    new DomainsApi(domains, refresher, loaded, renewer).register(router);
    new AcmeChallengesApi(edge.challenges()).register(router);
  }

  /** Health, metrics and the API's own description. */
  private void wirePlatformApis(Metrics metrics, Clock clock, RuntimeSelector.Choice runtime) {
    var facts =
        Json.obj(
            "version", Version.current(), "store", database.dialect(), "runtime", runtime.kind());
    var health = new HealthApi(facts, clock);
    health.check("store", () -> database.read(tx -> tx.count("SELECT 1") == 1));
    health.register(router);
    new MetricsApi(metrics).register(router);
    new OpenApiApi().register(router);
  }

  public void start() {
    for (Lifecycle part : parts) {
      part.start();
      started.add(part);
    }
    LOG.info(
        "berth started",
        "version",
        Version.current(),
        "console",
        consoleUrl(),
        "data_dir",
        dataDir.root(),
        "store",
        database.display());
  }

  /** Stops parts in reverse order, then closes the store and releases the data dir. */
  public void stop() {
    for (int i = started.size() - 1; i >= 0; i--) {
      var part = started.get(i);
      try {
        part.stop();
      } catch (RuntimeException e) {
        LOG.error("stop failed", e, "part", part.name());
      }
    }
    started.clear();
    closeOpened();
    dataDir.close();
  }

  @Override
  public void close() {
    stop();
  }

  private void closeOpened() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        LOG.error("close failed", e);
      }
    }
    opened.clear();
  }

  public InetSocketAddress consoleAddress() {
    return console.address();
  }

  public String consoleUrl() {
    var address = console.address();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  public ServeConfig config() {
    return config;
  }

  public DataDir dataDir() {
    return dataDir;
  }

  public Database database() {
    return database;
  }

  public Router router() {
    return router;
  }

  /** Where the proxy listens (its real port when started on port 0). */
  public InetSocketAddress proxyAddress() {
    return edge.address();
  }

  /** The ACME HTTP-01 answers this Berth's proxy and console serve. */
  public AcmeChallenges acmeChallenges() {
    return edge.challenges();
  }

  /** The proxy's bound HTTPS address. */
  public InetSocketAddress proxyTlsAddress() {
    return edge.tlsAddress();
  }

  /** The certificates the proxy serves over HTTPS, by host. */
  public CertificateBook certificates() {
    return certificates;
  }

  /** An app's public address through the proxy, e.g. {@code http://hello.localhost:8080}. */
  public String appUrl(String app) {
    int port = edge.address().getPort();
    return "http://" + app + "." + config.domain() + (port == 80 ? "" : ":" + port);
  }

  /** Where the proxy's access records go (the data plane records through it). */
  public AccessSink accessLog() {
    return accessLog;
  }

  /** The live route table the edge proxy serves from. */
  public Routes routes() {
    return routes;
  }

  /** Switches an app's traffic between instance sets and drains the old (the deploy engine's). */
  public AppTraffic traffic() {
    return traffic;
  }

  /** What Berth's proxy sends the console to be believed about clients (tests play the proxy). */
  public ProxyTrust proxyTrust() {
    return proxyTrust;
  }

  /** The admin password generated on the first start of an empty store, to print once. */
  public Optional<String> firstStartPassword() {
    return firstStartPassword;
  }
}
