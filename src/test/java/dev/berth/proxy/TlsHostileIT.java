package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile or confused client sends to the HTTPS listener: each gets a closed connection or a
 * reset stream, never a crash, and the listener keeps serving.
 */
@Timeout(60)
class TlsHostileIT {
  private TlsFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new TlsFixture();
  }

  @AfterEach
  void stop() throws Exception {
    try (var socket = fx.tls("app.test", fx.trustAll())) {
      TlsIT.send(socket, "GET /after HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(socket.getInputStream()).status());
    } finally {
      fx.close();
    }
  }

  /** Sends {@code bytes} raw and returns how long the server took to close the connection. */
  private long closedAfter(byte[] bytes) throws Exception {
    try (var socket = new Socket("127.0.0.1", fx.httpsPort())) {
      socket.setSoTimeout(20_000);
      long start = System.nanoTime();
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      try {
        while (socket.getInputStream().read() >= 0) {
          // a TLS alert may come first; then the end of the stream
        }
      } catch (java.net.SocketException reset) {
        // reset is a close too
      }
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  @Test
  void garbageBytesCloseTheConnection() throws Exception {
    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    assertTrue(closedAfter(garbage) < 15_000);
    assertEquals(0, fx.backendRequests.get());
  }

  @Test
  void plainHttpToTheTlsPortIsToldSoAndNotForwarded() throws Exception {
    try (var socket = new Socket("127.0.0.1", fx.httpsPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      var reply = EdgeServerIT.Reply.read(socket.getInputStream());
      assertEquals(400, reply.status());
      assertTrue(reply.body().contains("HTTPS"), reply.body());
      assertEquals(-1, socket.getInputStream().read());
    }
    assertEquals(0, fx.backendRequests.get());
    assertTrue(fx.metrics.render().contains("result=\"not_tls\""), fx.metrics.render());
  }

  @Test
  void aTruncatedClientHelloTimesOut() throws Exception {
    var engine = fx.trustAll().createSSLEngine("app.test", 443);
    engine.setUseClientMode(true);
    var params = engine.getSSLParameters();
    params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("app.test")));
    engine.setSSLParameters(params);
    var out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    byte[] hello = Arrays.copyOf(out.array(), out.position());
    long millis = closedAfter(Arrays.copyOf(hello, hello.length / 2));
    // The fixture's header timeout (4 s) bounds the handshake; the client is not held for long.
    assertTrue(millis >= 3_000 && millis < 15_000, millis + " ms");
  }

  @Test
  void malformedHttp2HeadersResetTheStreamAndTheConnectionCarriesOn() throws Exception {
    var outcomes =
        h2(
            fields("GET", "/bad", "X-Upper", "1"), // uppercase name
            fields("GET", "/bad2", "connection", "keep-alive"), // connection-specific
            fields("GET", "/good", "x-fine", "1"));
    assertEquals(List.of("reset", "reset", "200"), outcomes);
    assertEquals(1, fx.backendRequests.get());
  }

  @Test
  void http2RequestsTheGuardRefusesGetAnErrorNotAForward() throws Exception {
    var outcomes =
        h2(
            fields("GET", "/two-hosts", "host", "evil.test"), // differs from :authority
            new String[] {":method", "CONNECT", ":authority", "app.test:443"},
            fields("GET", "/fine", "x-fine", "1"));
    // Netty resets the two-hosts stream itself; the guard answers the CONNECT (no path) with 400.
    assertEquals(List.of("reset", "400", "200"), outcomes);
    assertEquals("200", outcomes.get(2));
    assertEquals(1, fx.backendRequests.get());
  }

  private static String[] fields(String method, String path, String name, String value) {
    return new String[] {
      ":method", method, ":scheme", "https", ":path", path, ":authority", "app.test", name, value
    };
  }

  /**
   * Sends each header block on its own stream (1, 3, 5, ...) of one HTTP/2 connection and returns
   * each stream's outcome: "reset", or the status of the response (Netty sends the common ones as
   * one indexed HPACK byte).
   */
  private List<String> h2(String[]... blocks) throws Exception {
    var outcomes = new String[blocks.length];
    try (SSLSocket socket = fx.tls("app.test", fx.trustAll(), "h2")) {
      assertEquals("h2", socket.getApplicationProtocol());
      var out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(out, 4, 0, 0, new byte[0]); // SETTINGS
      for (int i = 0; i < blocks.length; i++) {
        frame(out, 1, 5, 2 * i + 1, hpack(blocks[i]));
      }
      var in = new DataInputStream(socket.getInputStream());
      while (Arrays.stream(outcomes).anyMatch(o -> o == null)) {
        int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        assertTrue(type != 7, "the connection was closed with GOAWAY");
        if (type == 4 && (flags & 1) == 0) {
          frame(out, 4, 1, 0, new byte[0]); // SETTINGS ack
        }
        int index = (stream - 1) / 2;
        if (stream % 2 == 1 && index < blocks.length && outcomes[index] == null) {
          if (type == 3) {
            outcomes[index] = "reset";
          } else if (type == 1) {
            outcomes[index] = status(payload[0] & 0xff);
          }
        }
      }
    }
    return List.of(outcomes);
  }

  private static String status(int indexed) {
    return switch (indexed) {
      case 0x88 -> "200";
      case 0x8c -> "400";
      case 0x8d -> "404";
      default -> "other:" + Integer.toHexString(indexed);
    };
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    var frame = ByteBuffer.allocate(9 + payload.length);
    frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8));
    frame.put((byte) payload.length).put((byte) type).put((byte) flags).putInt(stream);
    frame.put(payload);
    out.write(frame.array());
    out.flush();
  }

  /** An HPACK block of literal fields without indexing (no Huffman). */
  private static byte[] hpack(String[] fields) {
    var block = new ByteArrayOutputStream();
    for (int i = 0; i < fields.length; i += 2) {
      block.write(0);
      literal(block, fields[i]);
      literal(block, fields[i + 1]);
    }
    return block.toByteArray();
  }

  private static void literal(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    block.write(bytes.length); // all shorter than 127: a one-byte length, Huffman bit clear
    block.writeBytes(bytes);
  }
}
