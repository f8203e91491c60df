package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idle HTTPS connections are closed after the keep-alive timeout, in both protocols. */
@Timeout(60)
class TlsIdleIT {
  private TlsFixture fx;

  @BeforeEach
  void start() throws Exception {
    var d = ProxyLimits.DEFAULTS;
    var limits =
        d.withClocks(
            Duration.ofSeconds(5),
            Duration.ofSeconds(2),
            d.upstreamConnect(),
            d.upstreamResponse(),
            d.bodyRead(),
            d.tunnelIdle());
    fx = new TlsFixture(limits);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  /** Milliseconds until the server ends the stream, reading and dropping whatever it sends. */
  private static long untilClosed(InputStream in) throws Exception {
    long start = System.nanoTime();
    try {
      while (in.read() >= 0) {
        // HTTP/2 settings or a GOAWAY may come first
      }
    } catch (java.net.SocketException reset) {
      // closed as well
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void anIdleHttp11ConnectionIsClosedAfterItsResponse() throws Exception {
    try (var socket = fx.tls("app.test", fx.trustAll(), "http/1.1")) {
      TlsIT.send(socket, "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(socket.getInputStream()).status());
      long millis = untilClosed(socket.getInputStream());
      assertTrue(millis >= 1_000 && millis < 8_000, millis + " ms");
    }
  }

  @Test
  void anIdleHttp2ConnectionIsClosed() throws Exception {
    try (var socket = fx.tls("app.test", fx.trustAll(), "h2")) {
      assertEquals("h2", socket.getApplicationProtocol());
      var out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
      out.flush();
      long millis = untilClosed(socket.getInputStream());
      assertTrue(millis >= 1_000 && millis < 8_000, millis + " ms");
    }
  }
}
