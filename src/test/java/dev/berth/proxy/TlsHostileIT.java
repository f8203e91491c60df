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
    try (SSLSocket socket = fx.tls("app.test", fx.trustAll(), "h2")) {
      assertEquals("h2", socket.getApplicationProtocol());
      var out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(out, 4, 0, 0, new byte[0]); // SETTINGS
      frame(out, 1, 5, 1, headers("/bad", "X-Upper", "1")); // uppercase name
      frame(out, 1, 5, 3, headers("/bad2", "connection", "keep-alive")); // connection-specific
      frame(out, 1, 5, 5, headers("/good", "x-fine", "1"));
      var in = new DataInputStream(socket.getInputStream());
      boolean reset1 = false;
      boolean reset3 = false;
      boolean answered5 = false;
      while (!(reset1 && reset3 && answered5)) {
        int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        in.readNBytes(length);
        assertTrue(type != 7, "the connection was closed with GOAWAY");
        if (type == 4 && (flags & 1) == 0) {
          frame(out, 4, 1, 0, new byte[0]); // SETTINGS ack
        }
        reset1 |= type == 3 && stream == 1;
        reset3 |= type == 3 && stream == 3;
        answered5 |= type == 1 && stream == 5;
      }
    }
    assertEquals(1, fx.backendRequests.get());
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

  /**
   * An HPACK block of literal fields without indexing (no Huffman), request pseudo-headers first.
   */
  private static byte[] headers(String path, String name, String value) {
    var block = new ByteArrayOutputStream();
    String[] fields = {
      ":method", "GET", ":scheme", "https", ":path", path, ":authority", "app.test", name, value
    };
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
