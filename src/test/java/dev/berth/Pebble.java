package dev.berth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real ACME server for tests: Let's Encrypt's Pebble (Debian package {@code pebble}) with its
 * {@code pebble-challtestsrv} as the DNS server, which answers every name with 127.0.0.1, so Pebble
 * validates HTTP-01 against Berth's own proxy on {@code httpPort}. Its HTTPS listener uses a
 * certificate made here; {@link #caCertificate} is what Berth must trust (--acme-ca-cert).
 *
 * <p>When Pebble is not installed the test is skipped, unless {@code CI} or {@code
 * BERTH_REQUIRE_DOCKER} is set: then it fails, so CI never passes without running it.
 */
public final class Pebble implements AutoCloseable {
  private final Path dir;
  private final int port;
  private Process dns;
  private Process pebble;

  private Pebble(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Prepares a Pebble (ports and certificate) before Berth starts, so Berth can be told of it. */
  public static Pebble prepare() {
    if (!installed("pebble") || !installed("pebble-challtestsrv")) {
      String reason = "pebble and pebble-challtestsrv are not installed (apt-get install pebble)";
      if (System.getenv("CI") != null || System.getenv("BERTH_REQUIRE_DOCKER") != null) {
        throw new IllegalStateException(reason);
      }
      Assumptions.abort(reason);
    }
    try {
      Path dir = Files.createTempDirectory("berth-pebble-");
      var tls = TestCertificates.make(dir, List.of("localhost", "ip:127.0.0.1"), 0, 30);
      Files.writeString(dir.resolve("cert.pem"), tls.chain());
      Files.writeString(dir.resolve("key.pem"), tls.key());
      return new Pebble(dir, freePort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String directory() {
    return "https://localhost:" + port + "/dir";
  }

  public Path caCertificate() {
    return dir.resolve("cert.pem");
  }

  /** The environment that points a {@link TestPlatform} at this Pebble. */
  public Map<String, String> env() {
    return Map.of(
        "BERTH_ACME_DIRECTORY", directory(),
        "BERTH_ACME_CA_CERT", caCertificate().toString(),
        "BERTH_ACME_EMAIL", "ops@example.com");
  }

  /** Starts the DNS server and Pebble, validating HTTP-01 on 127.0.0.1:{@code httpPort}. */
  public Pebble start(int httpPort) {
    try {
      int dnsPort = freePort();
      dns =
          process(
              "dns.log",
              Map.of(),
              "pebble-challtestsrv",
              "-defaultIPv4",
              "127.0.0.1",
              "-defaultIPv6",
              "",
              "-dns01",
              "127.0.0.1:" + dnsPort,
              "-management",
              "127.0.0.1:" + freePort(),
              "-http01",
              "",
              "-https01",
              "",
              "-tlsalpn01",
              "");
      Files.writeString(
          dir.resolve("pebble.json"),
          """
          {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
           "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
           "ocspResponderURL": "", "externalAccountBindingRequired": false}}
          """
              .formatted(
                  port,
                  freePort(),
                  dir.resolve("cert.pem"),
                  dir.resolve("key.pem"),
                  httpPort,
                  freePort()));
      pebble =
          process(
              "pebble.log",
              Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"),
              "pebble",
              "-config",
              dir.resolve("pebble.json").toString(),
              "-dnsserver",
              "127.0.0.1:" + dnsPort);
      awaitListening(port);
      return this;
    } catch (IOException e) {
      close();
      throw new IllegalStateException(e);
    }
  }

  /** What Pebble logged, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("pebble.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private Process process(String log, Map<String, String> env, String... command)
      throws IOException {
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(dir.resolve(log).toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  private void awaitListening(int listenPort) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!pebble.isAlive()) {
        throw new IllegalStateException("pebble exited: " + log());
      }
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", listenPort), 500);
        return;
      } catch (IOException e) {
        sleep();
      }
    }
    throw new IllegalStateException("pebble did not listen within 30 s: " + log());
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean installed(String command) {
    for (String path : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!path.isEmpty() && Files.isExecutable(Path.of(path, command))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    for (var process : new Process[] {pebble, dns}) {
      if (process != null) {
        process.destroy();
        try {
          process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
      }
    }
  }
}
