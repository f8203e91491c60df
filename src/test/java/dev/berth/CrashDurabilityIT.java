package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of writes loses nothing that was acknowledged, and the next start
 * opens the store cleanly. Runs the real artifact ({@code target/berth.jar}) as a child process.
 */
class CrashDurabilityIT {
  @TempDir Path temp;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private java.util.Optional<TestPlatform.PostgresDb> postgres = java.util.Optional.empty();

  @org.junit.jupiter.api.AfterEach
  void dropDatabase() {
    postgres.ifPresent(TestPlatform.PostgresDb::drop);
  }

  @Test
  void acknowledgedWritesSurviveKill9() throws Exception {
    postgres = TestPlatform.PostgresDb.createIfConfigured();
    Path dataDir = temp.resolve("data");
    int port = freePort();
    Process server = start(dataDir, port);
    var acknowledged = ConcurrentHashMap.<String>newKeySet();
    var stop = new AtomicBoolean();
    try (var writers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < 8; w++) {
        int writer = w;
        writers.submit(() -> write(port, writer, acknowledged, stop));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() < 60 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      server.destroyForcibly(); // SIGKILL while the writers are still writing
      server.waitFor(10, TimeUnit.SECONDS);
      stop.set(true);
    }
    assertTrue(
        acknowledged.size() >= 60,
        "writes were acknowledged before the kill: " + acknowledged.size());

    Process again = start(dataDir, port);
    try {
      var reply = request(port, "GET", "/api/v1/apps", null);
      assertEquals(200, reply.statusCode(), reply.body());
      @SuppressWarnings("unchecked")
      var apps =
          (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(reply.body())).get("apps");
      Set<String> names = ConcurrentHashMap.newKeySet();
      apps.forEach(app -> names.add((String) app.get("name")));
      for (String name : acknowledged) {
        assertTrue(names.contains(name), "acknowledged app " + name + " was lost");
      }
    } finally {
      again.destroy();
      assertTrue(again.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops the server");
    }
  }

  private void write(int port, int writer, Set<String> acknowledged, AtomicBoolean stop) {
    for (int i = 0; !stop.get() && i < 10_000; i++) {
      String name = "w" + writer + "-" + i;
      try {
        var reply = request(port, "POST", "/api/v1/apps", "{\"name\":\"" + name + "\"}");
        if (reply.statusCode() == 201) {
          acknowledged.add(name);
        }
      } catch (IOException e) {
        return; // the server is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private HttpResponse<String> request(int port, String method, String path, String body)
      throws IOException, InterruptedException {
    var builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TestPlatform.ADMIN_TOKEN)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Process start(Path dataDir, int port) throws Exception {
    String jar = System.getProperty("berth.test.jar", "target/berth.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var builder =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar,
                "serve",
                "--data-dir",
                dataDir.toString(),
                "--console-addr",
                "127.0.0.1:" + port,
                "--http-addr",
                "127.0.0.1:0",
                "--https-addr",
                "127.0.0.1:0")
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("server-" + System.nanoTime() + ".log").toFile());
    builder.environment().put("BERTH_ADMIN_TOKEN", TestPlatform.ADMIN_TOKEN);
    builder.environment().put("BERTH_ADMIN_PASSWORD", TestPlatform.ADMIN_PASSWORD);
    postgres.ifPresent(db -> builder.environment().put("BERTH_DATABASE_URL", db.url()));
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (request(port, "GET", "/api/v1/health", null).statusCode() == 200) {
          return process;
        }
      } catch (IOException e) {
        Thread.sleep(50);
      }
      if (!process.isAlive()) {
        break;
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("server did not start:\n" + logs());
  }

  private String logs() throws IOException {
    var out = new StringBuilder();
    try (var files = Files.list(temp)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        out.append(Files.readString(p));
      }
    }
    return out.toString();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
