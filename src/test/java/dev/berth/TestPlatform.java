package dev.berth;

import dev.berth.core.HostPort;
import dev.berth.core.Json;
import dev.berth.core.ServeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one fixture integration tests boot Berth with: the real {@link Platform} on port 0 with a
 * temp data dir, on SQLite, or on a fresh PostgreSQL database when {@code
 * -Dberth.test.databaseUrl=postgresql://user:pass@host/postgres} names a server (CI runs the suite
 * both ways). The first start makes an admin with {@link #ADMIN_TOKEN} and {@link #ADMIN_PASSWORD}.
 */
public final class TestPlatform implements AutoCloseable {
  public static final String ADMIN_EMAIL = "admin@example.com";
  public static final String ADMIN_PASSWORD = "correct horse battery staple";
  public static final String ADMIN_TOKEN = "berth_test_admin_token_0123456789abcdef";

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Optional<PostgresDb> postgres;
  private final Map<String, String> env;
  private Platform platform;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestPlatform(
      Path dataDir, boolean ownsDataDir, Optional<PostgresDb> postgres, Map<String, String> env) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.postgres = postgres;
    this.env = env;
  }

  /** A started platform on a new data dir (and a new PostgreSQL database when configured). */
  public static TestPlatform start() {
    return start(Map.of());
  }

  public static TestPlatform start(Map<String, String> extraEnv) {
    try {
      Path dir = Files.createTempDirectory("berth-it-");
      var env = new HashMap<String, String>();
      env.put("BERTH_ADMIN_EMAIL", ADMIN_EMAIL);
      env.put("BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
      env.put("BERTH_ADMIN_TOKEN", ADMIN_TOKEN);
      env.putAll(extraEnv);
      var fixture = new TestPlatform(dir, true, PostgresDb.createIfConfigured(), env);
      fixture.boot();
      return fixture;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops and starts again on the same data dir and database, as a restart would. */
  public void restart() {
    platform.stop();
    boot();
  }

  private void boot() {
    var bootstrap =
        new ServeConfig.Bootstrap(
            env.get("BERTH_ADMIN_EMAIL"),
            Optional.ofNullable(env.get("BERTH_ADMIN_PASSWORD")),
            Optional.ofNullable(env.get("BERTH_ADMIN_TOKEN")));
    var config =
        new ServeConfig(
            dataDir,
            new HostPort("127.0.0.1", 0),
            new HostPort("127.0.0.1", 0),
            new HostPort("127.0.0.1", 0),
            "localhost",
            postgres.map(PostgresDb::url),
            ServeConfig.RuntimeKind.PROCESS,
            ServeConfig.Profile.SMALL,
            bootstrap,
            acme());
    platform =
        new Platform(
            config,
            name -> Optional.ofNullable(env.get(name)),
            Clock.systemUTC(),
            new SecureRandom());
    platform.start();
  }

  /**
   * Tests never reach a real certificate authority: without BERTH_ACME_DIRECTORY in the test's
   * environment, issuance goes to a closed local port and fails fast.
   */
  private ServeConfig.Acme acme() {
    return new ServeConfig.Acme(
        env.getOrDefault("BERTH_ACME_DIRECTORY", "http://127.0.0.1:9/directory"),
        Optional.ofNullable(env.get("BERTH_ACME_EMAIL")),
        Optional.ofNullable(env.get("BERTH_ACME_CA_CERT")).map(Path::of));
  }

  public Platform platform() {
    return platform;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String url() {
    return platform.consoleUrl();
  }

  /** The proxy's address, e.g. {@code http://127.0.0.1:41234}. */
  public String proxyUrl() {
    return "http://127.0.0.1:" + platform.proxyAddress().getPort();
  }

  /** The proxy's HTTPS address, e.g. {@code https://127.0.0.1:41235}. */
  public String httpsUrl() {
    return "https://127.0.0.1:" + httpsPort();
  }

  /** The port the proxy's HTTPS listener bound. */
  public int httpsPort() {
    return platform.proxyTlsAddress().getPort();
  }

  public Optional<String> databaseUrl() {
    return postgres.map(PostgresDb::url);
  }

  /** An HTTP answer with its body parsed when it is JSON. */
  public record Reply(int status, Map<String, List<String>> headers, String body) {
    public Object json() {
      return Json.parse(body);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object() {
      return (Map<String, Object>) json();
    }

    @SuppressWarnings("unchecked")
    public List<Object> list() {
      return (List<Object>) json();
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  /**
   * {@code headers} plus the secret Berth's proxy sends, so a test can play the proxy and say which
   * client it forwarded (X-Forwarded-For) and over what (X-Forwarded-Proto).
   */
  public Map<String, String> asProxy(Map<String, String> headers) {
    var out = new HashMap<>(headers);
    out.put(dev.berth.core.ProxyTrust.HEADER, platform.proxyTrust().secret());
    return out;
  }

  public Reply get(String path) {
    return send("GET", path, null, ADMIN_TOKEN);
  }

  public Reply post(String path, String body) {
    return send("POST", path, body, ADMIN_TOKEN);
  }

  public Reply send(String method, String path, String body, String token) {
    return send(
        method, path, body, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  public Reply send(String method, String path, String body, Map<String, String> headers) {
    var builder =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    headers.forEach(builder::header);
    try {
      HttpResponse<String> response =
          client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (platform != null) {
      platform.stop();
    }
    postgres.ifPresent(PostgresDb::drop);
    if (ownsDataDir) {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // Temp files; the OS cleans up.
      }
    }
  }

  /** A throwaway PostgreSQL database on the server CI starts. */
  public record PostgresDb(String adminUrl, String name, String url) {
    public static Optional<PostgresDb> createIfConfigured() {
      String admin = System.getProperty("berth.test.databaseUrl", "");
      if (admin.isBlank()) {
        return Optional.empty();
      }
      String name =
          "berth_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      execute(admin, "CREATE DATABASE " + name);
      String url = admin.substring(0, admin.lastIndexOf('/') + 1) + name;
      return Optional.of(new PostgresDb(admin, name, url));
    }

    public void drop() {
      execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String url, String sql) {
      var uri = URI.create(url.replaceFirst("^jdbc:", ""));
      String[] user =
          uri.getUserInfo() == null ? new String[] {"postgres"} : uri.getUserInfo().split(":", 2);
      String jdbc =
          "jdbc:postgresql://"
              + uri.getHost()
              + ":"
              + (uri.getPort() < 0 ? 5432 : uri.getPort())
              + uri.getPath();
      try (var c = DriverManager.getConnection(jdbc, user[0], user.length > 1 ? user[1] : null);
          var s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL: " + sql + ": " + e.getMessage(), e);
      }
    }
  }
}
