package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain listener sends hosts that have a certificate to HTTPS, and nothing else. */
@Timeout(60)
class HttpsRedirectIT {
  private TlsFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new TlsFixture();
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private Socket connect() throws Exception {
    var socket = new Socket("127.0.0.1", fx.httpPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private static EdgeServerIT.Reply read(InputStream in) throws Exception {
    return EdgeServerIT.Reply.read(in);
  }

  @Test
  void coveredHostsGoToHttpsWithPathAndQueryAndTheConnectionStaysOpen() throws Exception {
    try (var socket = connect()) {
      send(socket, "GET /a/b?c=d&e=%20 HTTP/1.1\r\nHost: app.test:" + fx.httpPort() + "\r\n\r\n");
      var reply = read(socket.getInputStream());
      assertEquals(308, reply.status());
      assertEquals(
          "https://app.test:" + fx.httpsPort() + "/a/b?c=d&e=%20", reply.headers().get("location"));
      assertEquals(null, reply.headers().get("strict-transport-security"));
      send(socket, "GET /w HTTP/1.1\r\nHost: X.Wild.Test\r\n\r\n");
      reply = read(socket.getInputStream());
      assertEquals(308, reply.status());
      assertEquals("https://X.Wild.Test:" + fx.httpsPort() + "/w", reply.headers().get("location"));
      send(socket, "GET /p HTTP/1.1\r\nHost: plain.test\r\n\r\n");
      reply = read(socket.getInputStream());
      assertEquals(200, reply.status());
      assertEquals("hello /p 0", reply.body());
      assertEquals("http", fx.seen.get("x-forwarded-proto"));
    }
    assertEquals(1, fx.backendRequests.get());
  }

  @Test
  void acmeChallengesStayOnPlainHttp() throws Exception {
    try (var socket = connect()) {
      send(socket, "GET /.well-known/acme-challenge/tok HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertNotEquals(308, read(socket.getInputStream()).status());
      send(socket, "GET /.well-known/other HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(308, read(socket.getInputStream()).status());
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (var socket = connect()) {
      send(
          socket,
          "GET /slow HTTP/1.1\r\nHost: plain.test\r\n\r\n"
              + "GET /r1 HTTP/1.1\r\nHost: app.test\r\n\r\n"
              + "GET /x HTTP/1.1\r\nHost: plain.test\r\n\r\n"
              + "POST /r2 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhello"
              + "GET /slow/2 HTTP/1.1\r\nHost: plain.test\r\n\r\n");
      var in = socket.getInputStream();
      assertEquals("hello /slow 0", read(in).body());
      assertEquals(
          "https://app.test:" + fx.httpsPort() + "/r1", read(in).headers().get("location"));
      assertEquals("hello /x 0", read(in).body());
      assertEquals(
          "https://app.test:" + fx.httpsPort() + "/r2", read(in).headers().get("location"));
      assertEquals("hello /slow/2 0", read(in).body());
    }
    assertEquals(3, fx.backendRequests.get());
  }

  @Test
  void aRedirectWithConnectionCloseClosesTheConnection() throws Exception {
    try (var socket = connect()) {
      send(
          socket,
          "POST /up HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc");
      var reply = read(socket.getInputStream());
      assertEquals(308, reply.status());
      assertEquals("close", reply.headers().get("connection"));
      assertEquals(-1, socket.getInputStream().read());
    }
    assertEquals(0, fx.backendRequests.get());
  }

  @Test
  void aRedirectBeforeAnExpectedBodyEndsTheConnection() throws Exception {
    try (var socket = connect()) {
      send(
          socket,
          "PUT /big HTTP/1.1\r\nHost: app.test\r\nExpect: 100-continue\r\n"
              + "Content-Length: 1000000\r\n\r\n");
      var reply = read(socket.getInputStream());
      assertEquals(308, reply.status());
      assertEquals(-1, socket.getInputStream().read());
    }
    assertEquals(0, fx.backendRequests.get());
  }
}
