package dev.berth;

import dev.berth.core.HostPort;
import dev.berth.core.Log;
import dev.berth.core.ServeConfig;
import dev.berth.core.Version;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth serve}: runs the whole platform until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    description = "Run Berth: console, API, proxy and workers.",
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where Berth keeps its data (default: ~/.berth).")
  Path dataDir;

  @Option(
      names = "--console-addr",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8000",
      converter = Converters.HostPortConverter.class,
      description = "Console and API address (default: ${DEFAULT-VALUE}).")
  HostPort consoleAddr;

  @Option(
      names = "--http-addr",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8080",
      converter = Converters.HostPortConverter.class,
      description = "Proxy HTTP address (default: ${DEFAULT-VALUE}).")
  HostPort httpAddr;

  @Option(
      names = "--https-addr",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8443",
      converter = Converters.HostPortConverter.class,
      description = "Proxy HTTPS address (default: ${DEFAULT-VALUE}).")
  HostPort httpsAddr;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      defaultValue = "localhost",
      converter = Converters.DomainConverter.class,
      description = "Apps answer at <app>.DOMAIN (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description =
          "PostgreSQL URL (postgresql://user:pass@host/db); default: SQLite in the data dir.")
  String databaseUrl;

  @Option(
      names = "--runtime",
      paramLabel = "auto|docker|process",
      defaultValue = "auto",
      converter = Converters.RuntimeConverter.class,
      description = "How apps run (default: ${DEFAULT-VALUE}: docker when an engine answers).")
  ServeConfig.RuntimeKind runtime;

  @Option(
      names = "--profile",
      paramLabel = "small|throughput",
      defaultValue = "small",
      converter = Converters.ProfileConverter.class,
      description = "small: least memory; throughput: faster proxy (default: ${DEFAULT-VALUE}).")
  ServeConfig.Profile profile;

  @Option(
      names = "--acme-directory",
      paramLabel = "URL",
      description =
          "ACME directory certificates for custom domains come from (env BERTH_ACME_DIRECTORY;"
              + " default: Let's Encrypt).")
  String acmeDirectory;

  @Option(
      names = "--acme-email",
      paramLabel = "ADDRESS",
      description = "Contact address of the ACME account (env BERTH_ACME_EMAIL).")
  String acmeEmail;

  @Option(
      names = "--acme-ca-cert",
      paramLabel = "FILE",
      description = "PEM CA certificates to trust for the ACME directory's HTTPS (a test CA).")
  Path acmeCaCert;

  private final Platform.Environment env;
  private final PrintStream out;

  ServeCommand(Platform.Environment env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  ServeConfig config() {
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth");
    Optional<String> url = Optional.ofNullable(databaseUrl).filter(s -> !s.isBlank());
    var bootstrap =
        new ServeConfig.Bootstrap(
            env.get("BERTH_ADMIN_EMAIL").filter(s -> !s.isBlank()).orElse("admin@localhost"),
            env.get("BERTH_ADMIN_PASSWORD").filter(s -> !s.isEmpty()),
            env.get("BERTH_ADMIN_TOKEN").filter(s -> !s.isEmpty()));
    return new ServeConfig(
        dir, consoleAddr, httpAddr, httpsAddr, domain, url, runtime, profile, bootstrap, acme());
  }

  /** The ACME flags, each falling back to its environment variable. */
  ServeConfig.Acme acme() {
    return AcmeFlags.read(acmeDirectory, acmeEmail, acmeCaCert, env);
  }

  @Override
  public Integer call() {
    var config = config();
    tuneProxyLibrary(config.profile());
    var platform = new Platform(config, env, Clock.systemUTC(), new SecureRandom());
    platform.start();
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("berth-shutdown")
                .unstarted(
                    () -> {
                      Log.of(ServeCommand.class).info("stopping");
                      platform.stop();
                      stopped.countDown();
                    }));
    banner(platform);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Netty reads these once, when its classes load, so they are set before the platform is built; a
   * value given with -D on the command line wins. The small profile trades proxy speed for memory
   * (measured in docs/benchmarks.md): the JDK's NIO selector, whose classes are already in the
   * JDK's shared archive, instead of the native epoll transport, and no pooled buffers, recycler
   * caches or leak-detector sampling.
   */
  static void tuneProxyLibrary(ServeConfig.Profile profile) {
    setIfAbsent("io.netty.leakDetection.level", "disabled");
    if (profile == ServeConfig.Profile.SMALL) {
      setIfAbsent("io.netty.transport.noNative", "true");
      setIfAbsent("io.netty.allocator.type", "unpooled");
      setIfAbsent("io.netty.recycler.maxCapacityPerThread", "0");
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private void banner(Platform platform) {
    var config = platform.config();
    out.println("Berth " + Version.current() + " is running.");
    out.println("  Console:  " + platform.consoleUrl());
    out.println("  Apps:     " + platform.appUrl("<app>"));
    out.println(
        "  HTTPS:    port "
            + platform.proxyTlsAddress().getPort()
            + " (HTTP/2 and HTTP/1.1, for hosts that have a certificate)");
    out.println(
        "  Data:     "
            + platform.dataDir().root()
            + " ("
            + platform.database().display().replaceFirst("^sqlite:.*", "SQLite")
            + ")");
    platform
        .firstStartPassword()
        .ifPresent(
            password ->
                out.println(
                    "  First start: sign in as "
                        + config.bootstrap().adminEmail()
                        + " with password "
                        + password
                        + "  (shown once; change it after signing in)"));
    out.flush();
  }
}
