package dev.berth;

import dev.berth.core.HostPort;
import dev.berth.core.Log;
import dev.berth.core.ServeConfig;
import dev.berth.core.Version;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth proxy}: runs the edge proxy alone against a store a {@code berth serve} owns. */
@Command(
    name = "proxy",
    description =
        "Run only the edge proxy, routing from the same store as `berth serve` (it keeps serving"
            + " while the console is down).",
    mixinStandardHelpOptions = true)
final class ProxyCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The data dir of the `berth serve` to follow (default: ~/.berth).")
  Path dataDir;

  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description =
          "PostgreSQL URL (postgresql://user:pass@host/db); default: SQLite in the data dir.")
  String databaseUrl;

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
      description =
          "Proxy HTTPS address, with the certificates `berth serve` keeps in the store (default:"
              + " ${DEFAULT-VALUE}).")
  HostPort httpsAddr;

  @Option(
      names = "--console-url",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8000",
      converter = ConsoleUrlConverter.class,
      description =
          "Where the console listens: berth.DOMAIN and /_berth/ go there (default:"
              + " ${DEFAULT-VALUE}).")
  HostPort consoleUrl;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      defaultValue = "localhost",
      converter = Converters.DomainConverter.class,
      description = "Apps answer at <app>.DOMAIN (default: ${DEFAULT-VALUE}).")
  String domain;

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
          "As for serve (env BERTH_ACME_DIRECTORY): checked, so one configuration fits both;"
              + " `berth serve` orders the certificates, this proxy serves them.")
  String acmeDirectory;

  @Option(
      names = "--acme-email",
      paramLabel = "ADDRESS",
      description = "As for serve (env BERTH_ACME_EMAIL): checked, not used by the proxy.")
  String acmeEmail;

  @Option(
      names = "--acme-ca-cert",
      paramLabel = "FILE",
      description = "As for serve (env BERTH_ACME_CA_CERT): checked, not used by the proxy.")
  Path acmeCaCert;

  private final Platform.Environment env;
  private final PrintStream out;

  ProxyCommand(Platform.Environment env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  ProxyProcess.Config config() {
    Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth");
    AcmeFlags.read(acmeDirectory, acmeEmail, acmeCaCert, env); // a bad value stops the start
    return new ProxyProcess.Config(
        dir,
        Optional.ofNullable(databaseUrl).filter(s -> !s.isBlank()),
        httpAddr,
        httpsAddr,
        consoleUrl,
        domain,
        profile);
  }

  @Override
  public Integer call() {
    var config = config();
    ServeCommand.tuneProxyLibrary(config.profile());
    var proxy = new ProxyProcess(config, env, Clock.systemUTC(), new SecureRandom());
    proxy.start();
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("berth-shutdown")
                .unstarted(
                    () -> {
                      Log.of(ProxyCommand.class).info("stopping");
                      proxy.close();
                      stopped.countDown();
                    }));
    out.println(
        "Berth "
            + Version.current()
            + " proxy is listening on "
            + proxy.address()
            + " (HTTPS "
            + proxy.tlsAddress()
            + ").");
    out.println(
        "  Routes from "
            + proxy.database().display().replaceFirst("^sqlite:", "SQLite ")
            + (proxy.database().dialect() == dev.berth.store.Database.Dialect.POSTGRES
                ? " (LISTEN/NOTIFY, polled every second)"
                : " (polled every second)")
            + "; console at "
            + config.console()
            + (proxy.trustedByConsole()
                ? ""
                : " (no master key: client addresses not vouched, no certificates served)"));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** {@code http://host:port} or {@code host:port}; the console speaks plain HTTP. */
  static final class ConsoleUrlConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      String text = value.strip();
      if (!text.contains("://")) {
        text = "http://" + text;
      }
      URI uri;
      try {
        uri = URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected http://HOST:PORT, got " + value);
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
        throw new CommandLine.TypeConversionException("expected http://HOST:PORT, got " + value);
      }
      String host = uri.getHost();
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      return new HostPort(host, uri.getPort());
    }
  }
}
