package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth proxy} as its own process (the real artifact) beside a platform on the same store:
 * it routes what the console writes within about a second, and keeps routing when the console is
 * gone. Runs on SQLite, or on PostgreSQL (LISTEN/NOTIFY) with {@code -Dberth.test.databaseUrl}.
 */
class ProxyProcessIT {
  @TempDir Path temp;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @Test
  void followsTheStoreAndOutlivesTheConsole() throws Exception {
    var backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = "backend".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
    String target = "127.0.0.1:" + backend.getAddress().getPort();
    try (var berth = TestPlatform.start()) {
      int port = freePort();
      Process proxy = start(berth, port);
      try {
        assertEquals(404, status(port, "nothing.localhost"));
        assertEquals(200, status(port, "berth.localhost"), "the console host reaches the console");

        long created = System.nanoTime();
        var route =
            berth.post(
                "/api/v1/routes", "{\"host\":\"svc.localhost\",\"targets\":[\"" + target + "\"]}");
        assertEquals(201, route.status(), route.body());
        long routedAfter = awaitStatus(port, "svc.localhost", 200, created);
        assertTrue(routedAfter < 1_500, "routed after " + routedAfter + " ms");

        assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"web\"}").status());
        long put = System.nanoTime();
        var live =
            berth.send(
                "PUT",
                "/api/v1/apps/web/instances",
                "{\"instances\":[\"" + target + "\"]}",
                TestPlatform.ADMIN_TOKEN);
        assertEquals(200, live.status(), live.body());
        long switchedAfter = awaitStatus(port, "web.localhost", 200, put);
        assertTrue(switchedAfter < 1_500, "switched after " + switchedAfter + " ms");

        berth.platform().stop(); // the console (and its store handle) is gone
        Thread.sleep(1_500); // at least one failed poll
        assertEquals(200, status(port, "svc.localhost"));
        assertEquals(200, status(port, "web.localhost"));
        assertEquals(502, status(port, "berth.localhost"));
        assertTrue(proxy.isAlive());
      } finally {
        proxy.destroy();
        assertTrue(proxy.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops the proxy");
        backend.stop(0);
      }
    }
  }

  @Test
  void refusesAStoreThatServeNeverOpened() throws Exception {
    var process =
        new ProcessBuilder(command(temp.resolve("empty"), "127.0.0.1:" + freePort(), null))
            .redirectErrorStream(true)
            .start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("no Berth store at"), output);
    assertTrue(!Files.exists(temp.resolve("empty")), "nothing was created");
  }

  private long awaitStatus(int port, String host, int expected, long sinceNanos) throws Exception {
    long deadline = sinceNanos + TimeUnit.SECONDS.toNanos(10);
    int last = 0;
    while (System.nanoTime() < deadline) {
      last = status(port, host);
      if (last == expected) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
      }
      Thread.sleep(20);
    }
    throw new AssertionError(host + " never answered " + expected + "; last " + last);
  }

  private int status(int port, String host) throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health"))
            .timeout(Duration.ofSeconds(5))
            .header("Host", host)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private List<String> command(Path dataDir, String httpAddr, String consoleUrl) {
    String jar = System.getProperty("berth.test.jar", "target/berth.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar,
                "proxy",
                "--data-dir",
                dataDir.toString(),
                "--http-addr",
                httpAddr));
    if (consoleUrl != null) {
      command.addAll(List.of("--console-url", consoleUrl));
    }
    return command;
  }

  private Process start(TestPlatform berth, int port) throws Exception {
    var builder =
        new ProcessBuilder(command(berth.dataDir(), "127.0.0.1:" + port, berth.url()))
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("proxy.log").toFile());
    berth.databaseUrl().ifPresent(url -> builder.environment().put("BERTH_DATABASE_URL", url));
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        status(port, "nothing.localhost");
        return process;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "berth proxy did not start:\n" + Files.readString(temp.resolve("proxy.log")));
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
