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
    Bootstrap bootstrap,
    Acme acme) {

  /**
   * Where certificates for custom domains come from: an ACME directory URL, the account's contact
   * address, and CA certificates to trust for the directory's HTTPS (a test CA such as Pebble's).
   */
  public record Acme(String directory, Optional<String> email, Optional<Path> caCertificate) {
    public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";

    public static Acme letsEncrypt() {
      return new Acme(LETS_ENCRYPT, Optional.empty(), Optional.empty());
    }
  }

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
