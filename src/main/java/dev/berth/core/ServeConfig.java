package dev.berth.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything {@code berth serve} was told on its command line and environment. {@code databaseUrl}
 * is empty for the embedded SQLite store.
 */
public record ServeConfig(
    Path dataDir,
    HostPort consoleAddr,
    HostPort httpAddr,
    HostPort httpsAddr,
    String domain,
    Optional<String> databaseUrl,
    RuntimeKind runtime,
    Profile profile,
    Bootstrap bootstrap) {

  public enum RuntimeKind {
    AUTO,
    DOCKER,
    PROCESS
  }

  public enum Profile {
    SMALL,
    THROUGHPUT
  }

  /** What the first start of an empty data dir turns into the admin account. */
  public record Bootstrap(
      String adminEmail, Optional<String> adminPassword, Optional<String> adminToken) {
    public static Bootstrap none() {
      return new Bootstrap("admin@localhost", Optional.empty(), Optional.empty());
    }
  }

  /** The public URL of the console through the proxy (berth.&lt;domain&gt;). */
  public String appUrl(String app) {
    return "http://" + app + "." + domain + portSuffix();
  }

  public String portSuffix() {
    return httpAddr.port() == 80 ? "" : ":" + httpAddr.port();
  }
}
