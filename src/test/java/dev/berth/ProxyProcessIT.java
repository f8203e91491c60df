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

  /**
   * The certificates serve keeps in the store are served by the proxy's own HTTPS listener, and an
   * ACME HTTP-01 token that serve's ACME client holds is answered through the proxy (the CA reaches
   * whichever process has port 80).
   */
  @Test
  void servesTheCertificatesAndChallengesOfServe() throws Exception {
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
    String host = "www.shop.test";
    try (var berth = TestPlatform.start()) {
      assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"shop\"}").status());
      var live =
          berth.send(
              "PUT",
              "/api/v1/apps/shop/instances",
              "{\"instances\":[\"" + target + "\"]}",
              TestPlatform.ADMIN_TOKEN);
      assertEquals(200, live.status(), live.body());
      var added = berth.post("/api/v1/apps/shop/domains", "{\"host\":\"" + host + "\"}");
      assertEquals(201, added.status(), added.body());
      var pem = TestCertificates.make(temp, List.of(host), 0, 90);
      var body = new java.util.LinkedHashMap<String, Object>();
      body.put("certificate", pem.chain());
      body.put("private_key", pem.key());
      var uploaded =
          berth.send(
              "PUT",
              "/api/v1/apps/shop/domains/" + host + "/certificate",
              dev.berth.core.Json.write(body),
              TestPlatform.ADMIN_TOKEN);
      assertEquals(200, uploaded.status(), uploaded.body());

      int port = freePort();
      int httpsPort = freePort();
      Process proxy = start(berth, port, httpsPort);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.math.BigInteger served = null;
        while (System.nanoTime() < deadline && served == null) {
          try {
            served = AcmeIT.servedLeaf("127.0.0.1", httpsPort, host).getSerialNumber();
          } catch (IllegalStateException e) {
            Thread.sleep(100); // not loaded yet: the handshake fails for an unknown name
          }
        }
        assertEquals(pem.leaf().getSerialNumber(), served, "the uploaded certificate, by SNI");
        String reply = https(httpsPort, host, "GET / HTTP/1.1\r\nHost: " + host + "\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        assertTrue(reply.endsWith("backend"), reply);
        var redirect =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/a?b=1"))
                    .header("Host", host)
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(308, redirect.statusCode(), "plain HTTP moves to HTTPS once it has one");
        assertEquals(
            "https://" + host + ":" + httpsPort + "/a?b=1",
            redirect.headers().firstValue("Location").orElse(""));

        berth.platform().acmeChallenges().put("tok-EN_123", "tok-EN_123.thumbprint");
        var challenge = challenge(port, host, "tok-EN_123");
        assertEquals(200, challenge.statusCode(), challenge.body());
        assertEquals("tok-EN_123.thumbprint", challenge.body());
        assertEquals(404, challenge(port, host, "unknownToken").statusCode());
        for (String token : List.of("..%2f..%2fapi", "a.b", "x".repeat(300), "%00", "a%2fb")) {
          var refused = challenge(port, host, token);
          assertEquals(404, refused.statusCode(), token + " " + refused.body());
          assertTrue(!refused.body().contains("Exception"), refused.body());
        }
      } finally {
        proxy.destroy();
        assertTrue(proxy.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops the proxy");
        backend.stop(0);
      }
    }
  }

  @Test
  void badHttpsAndAcmeFlagsStopTheStartWithOneLine() throws Exception {
    for (var extra :
        List.of(
            List.of("--https-addr", "nope"),
            List.of("--https-addr", "127.0.0.1:70000"),
            List.of("--acme-directory", "ftp://ca.example"),
            List.of("--acme-email", "not-an-address"))) {
      var command = command(temp.resolve("empty"), "127.0.0.1:" + freePort(), null);
      command.addAll(extra);
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(2, process.exitValue(), extra + ": " + output);
      assertTrue(output.contains(extra.getFirst()), extra + ": " + output);
      assertTrue(!output.contains("Exception"), output);
    }
  }

  private HttpResponse<String> challenge(int port, String host, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/.well-known/acme-challenge/" + token))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** One HTTP/1.1 request over TLS with SNI {@code host}; the whole reply as text. */
  private static String https(int port, String host, String head) throws Exception {
    var context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {AcmeIT.TRUST_ANY}, null);
    try (var socket =
        (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      var parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
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
    return command(dataDir, httpAddr, consoleUrl, "127.0.0.1:0");
  }

  private List<String> command(Path dataDir, String httpAddr, String consoleUrl, String httpsAddr) {
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
                httpAddr,
                "--https-addr",
                httpsAddr));
    if (consoleUrl != null) {
      command.addAll(List.of("--console-url", consoleUrl));
    }
    return command;
  }

  private Process start(TestPlatform berth, int port) throws Exception {
    return start(berth, port, 0);
  }

  private Process start(TestPlatform berth, int port, int httpsPort) throws Exception {
    var builder =
        new ProcessBuilder(
                command(
                    berth.dataDir(), "127.0.0.1:" + port, berth.url(), "127.0.0.1:" + httpsPort))
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
