package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.berth.TestPlatform;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS inside the real platform: the listener on port 0, a route from the API, a certificate. */
class HttpsPlatformIT {
  static TestPlatform berth;
  static HttpServer backend;
  static volatile String proto;

  @BeforeAll
  static void boot(@TempDir Path dir) throws Exception {
    berth = TestPlatform.start();
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext(
        "/",
        exchange -> {
          proto = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
          byte[] body = ("saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
    var created =
        berth.post(
            "/api/v1/routes",
            "{\"host\":\"secure.localhost\",\"targets\":[\"127.0.0.1:"
                + backend.getAddress().getPort()
                + "\"]}");
    assertEquals(201, created.status(), created.body());
    var entry = TestCertificates.make(dir, "secure.localhost", "secure.localhost");
    berth.platform().certificates().replaceAll(List.of(entry));
  }

  @AfterAll
  static void shutdown() {
    backend.stop(0);
    berth.close();
  }

  @Test
  void anApiRouteAnswersOverHttp2WithItsCertificate() throws Exception {
    assertTrue(berth.httpsUrl().startsWith("https://127.0.0.1:"));
    int port = berth.httpsPort();
    String out =
        TlsIT.curl(
            "--http2",
            "-k",
            "-i",
            "--resolve",
            "secure.localhost:" + port + ":127.0.0.1",
            "https://secure.localhost:" + port + "/x?y=1");
    assertTrue(out.startsWith("HTTP/2 200"), out);
    assertTrue(out.endsWith("saw /x?y=1"), out);
    assertEquals("https", proto);
  }

  @Test
  void thePlainListenerRedirectsTheCoveredHost() throws Exception {
    try (var socket = new Socket("127.0.0.1", berth.platform().proxyAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /x?y=1 HTTP/1.1\r\nHost: secure.localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      var reply = EdgeServerIT.Reply.read(socket.getInputStream());
      assertEquals(308, reply.status());
      assertEquals(
          "https://secure.localhost:" + berth.httpsPort() + "/x?y=1",
          reply.headers().get("location"));
    }
  }
}
