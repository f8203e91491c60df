package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener with real TLS clients: the JDK's HttpClient (h2), SSLSocket and curl. */
@Timeout(60)
class TlsIT {
  private TlsFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new TlsFixture();
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private HttpClient h2Client(String sni) throws Exception {
    var params = fx.trustAll().getDefaultSSLParameters();
    params.setServerNames(List.of(new SNIHostName(sni)));
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .sslContext(fx.trustAll())
        .sslParameters(params)
        .build();
  }

  @Test
  void servesHttp2EndToEndAndTellsTheUpstreamItWasHttps() throws Exception {
    try (var client = h2Client("app.test")) {
      var response =
          client.send(
              HttpRequest.newBuilder(URI.create(fx.edgeHttps() + "/hello?x=1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(HttpClient.Version.HTTP_2, response.version());
      assertEquals(200, response.statusCode());
      assertEquals("hello /hello?x=1 0", response.body());
      assertEquals("https", fx.seen.get("x-forwarded-proto"));
      assertEquals("127.0.0.1:" + fx.httpsPort(), fx.seen.get("x-forwarded-host"));
      assertTrue(
          fx.seen.keySet().stream().noneMatch(k -> k.startsWith("x-http2")), fx.seen::toString);
      var served = response.sslSession().orElseThrow().getPeerCertificates()[0];
      assertEquals(fx.app.chain().getFirst(), served);
      assertTrue(fx.metrics.render().contains("protocol=\"h2\""), fx.metrics.render());
    }
  }

  @Test
  void carriesManyStreamsAndRequestBodiesOnOneHttp2Connection() throws Exception {
    try (var client = h2Client("app.test")) {
      // The first request opens the connection; the client then multiplexes on it.
      client.send(
          HttpRequest.newBuilder(URI.create(fx.edgeHttps() + "/first")).build(),
          HttpResponse.BodyHandlers.ofString());
      var replies = new java.util.ArrayList<CompletableFuture<HttpResponse<String>>>();
      for (int i = 0; i < 40; i++) {
        var request =
            HttpRequest.newBuilder(URI.create(fx.edgeHttps() + "/n/" + i))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(i * 1000)))
                .build();
        replies.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < 40; i++) {
        var response = replies.get(i).get(30, TimeUnit.SECONDS);
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertEquals("hello /n/" + i + " " + (i * 1000), response.body());
      }
    }
  }

  @Test
  void servesHttp11OverTlsWithKeepAlive() throws Exception {
    try (SSLSocket socket = fx.tls("other.test", fx.trustAll(), "http/1.1")) {
      assertEquals("http/1.1", socket.getApplicationProtocol());
      assertEquals(fx.other.chain().getFirst(), socket.getSession().getPeerCertificates()[0]);
      for (int i = 0; i < 3; i++) {
        send(socket, "GET /k/" + i + " HTTP/1.1\r\nHost: other.test\r\n\r\n");
        var reply = EdgeServerIT.Reply.read(socket.getInputStream());
        assertEquals(200, reply.status());
        assertEquals("hello /k/" + i + " 0", reply.body());
        assertEquals("https", fx.seen.get("x-forwarded-proto"));
      }
    }
  }

  @Test
  void picksTheCertificateByServerNameIncludingWildcards() throws Exception {
    try (var a = fx.tls("app.test", fx.trustAll());
        var o = fx.tls("other.test", fx.trustAll());
        var w = fx.tls("x.wild.test", fx.trustAll())) {
      assertEquals(fx.app.chain().getFirst(), a.getSession().getPeerCertificates()[0]);
      assertEquals(fx.other.chain().getFirst(), o.getSession().getPeerCertificates()[0]);
      assertEquals(fx.wild.chain().getFirst(), w.getSession().getPeerCertificates()[0]);
      send(w, "GET /w HTTP/1.1\r\nHost: x.wild.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(w.getInputStream()).status());
    }
    // One label only, and the bare parent is not covered.
    assertThrows(SSLException.class, () -> fx.tls("a.b.wild.test", fx.trustAll()).close());
    assertThrows(SSLException.class, () -> fx.tls("wild.test", fx.trustAll()).close());
  }

  @Test
  void anUnknownNameFailsTheHandshakeAndTheListenerCarriesOn() throws Exception {
    assertThrows(SSLException.class, () -> fx.tls("nobody.test", fx.trustAll()).close());
    assertTrue(
        fx.metrics.render().contains("berth_proxy_tls_handshakes_total{result=\"unknown_name\"}"),
        fx.metrics.render());
    try (var socket = fx.tls("app.test", fx.trustAll())) {
      send(socket, "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(socket.getInputStream()).status());
    }
  }

  @Test
  void aReplacedCertificateIsServedOnTheNextConnection(@TempDir Path dir) throws Exception {
    var renewed = TestCertificates.make(dir, "app.test", "app.test");
    var trust = TestCertificates.trusting(fx.app, renewed, fx.other, fx.wild);
    try (var before = fx.tls("app.test", trust)) {
      fx.book.replaceAll(List.of(renewed, fx.other, fx.wild));
      try (var after = fx.tls("app.test", trust)) {
        assertEquals(fx.app.chain().getFirst(), before.getSession().getPeerCertificates()[0]);
        assertEquals(renewed.chain().getFirst(), after.getSession().getPeerCertificates()[0]);
      }
      // The connection opened before the swap keeps working.
      send(before, "GET /still HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(before.getInputStream()).status());
    }
  }

  @Test
  void curlSpeaksBothProtocolsByName() throws Exception {
    String resolve = "app.test:" + fx.httpsPort() + ":127.0.0.1";
    String url = "https://app.test:" + fx.httpsPort() + "/curl?q=1";
    String h2 =
        curl(
            "--http2",
            "-k",
            "-i",
            "--resolve",
            resolve,
            url,
            "https://app.test:" + fx.httpsPort() + "/second");
    assertTrue(h2.startsWith("HTTP/2 200"), h2);
    assertTrue(h2.contains("hello /curl?q=1 0") && h2.contains("hello /second 0"), h2);
    assertFalse(h2.toLowerCase().contains("\nconnection:"), h2);
    assertEquals("app.test:" + fx.httpsPort(), fx.seen.get("x-forwarded-host"));
    String h1 = curl("--http1.1", "-k", "-i", "--resolve", resolve, url);
    assertTrue(h1.startsWith("HTTP/1.1 200"), h1);
    String missing =
        curl(
            "--http2",
            "-k",
            "-i",
            "--resolve",
            "nohost.wild.test:" + fx.httpsPort() + ":127.0.0.1",
            "https://nohost.wild.test:" + fx.httpsPort() + "/");
    assertTrue(missing.startsWith("HTTP/2 200"), missing); // the wildcard route serves it
  }

  @Test
  void anUnroutedHostGetsTheNotFoundPageOverHttp2() throws Exception {
    fx.routes.replace(new RouteTable(List.of()));
    String resolve = "app.test:" + fx.httpsPort() + ":127.0.0.1";
    String base = "https://app.test:" + fx.httpsPort();
    String out = curl("--http2", "-k", "-i", "--resolve", resolve, base + "/a", base + "/b");
    assertTrue(out.startsWith("HTTP/2 404"), out);
    assertEquals(2, out.split("HTTP/2 404").length - 1, out);
  }

  static String curl(String... args) throws Exception {
    var command = new java.util.ArrayList<String>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  static void send(SSLSocket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }
}
