package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP at the socket: the console answers 400 (or drops the connection for oversized
 * headers), never a 5xx, never forwards a smuggling shape to a handler, and keeps serving.
 */
class HostileHttpIT {
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  /** The status line of the answer, or "closed" when the server dropped the connection. */
  static String exchange(String raw) throws IOException {
    var address = berth.platform().consoleAddress();
    try (var socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5_000);
      try {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return statusLine(socket.getInputStream());
      } catch (IOException e) {
        return "closed";
      }
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    var line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\r') {
      line.append((char) c);
    }
    return line.isEmpty() ? "closed" : line.toString();
  }

  @Test
  void garbageRequestLineIs400() throws IOException {
    assertEquals("HTTP/1.1 400 Bad Request", exchange("GARBAGE\r\n\r\n"));
  }

  @Test
  void contentLengthWithTransferEncodingIsRefused() throws IOException {
    String raw =
        "POST /api/v1/audit HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assertEquals("HTTP/1.1 400 Bad Request", exchange(raw));
  }

  @Test
  void negativeContentLengthIsRefused() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        exchange("POST /api/v1/audit HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"));
  }

  @Test
  void oversizedHeadersNeverReachAHandler() throws IOException {
    String huge =
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1_000_000) + "\r\n\r\n";
    String answer = exchange(huge);
    assertFalse(answer.contains(" 200 ") || answer.contains(" 5"), answer);
    var many = new StringBuilder("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 5000; i++) {
      many.append("X-").append(i).append(": 1\r\n");
    }
    String manyAnswer = exchange(many.append("\r\n").toString());
    assertFalse(manyAnswer.contains(" 200 ") || manyAnswer.contains(" 5"), manyAnswer);
  }

  @Test
  void pathTricksFindNothing() throws IOException {
    assertTrue(
        exchange("GET /api/v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").contains(" 404 "));
    assertTrue(exchange("GET /api/v1/health%00 HTTP/1.1\r\nHost: x\r\n\r\n").contains(" 404 "));
  }

  @Test
  void theServerKeepsServingAfterwards() throws IOException {
    exchange("GARBAGE\r\n\r\n");
    exchange("GET / HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(500_000) + "\r\n\r\n");
    assertEquals(200, berth.send("GET", "/api/v1/health", null, (String) null).status());
  }
}
