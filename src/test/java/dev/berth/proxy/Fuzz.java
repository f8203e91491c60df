package dev.berth.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Makes request heads that are malformed for sure (one smuggling or syntax defect each), with
 * random noise on top, so a test can assert that none of them is ever forwarded.
 */
final class Fuzz {
  private static final String[] DEFECTS = {
    "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n",
    "Content-Length: 1\r\nContent-Length: 2\r\n",
    "Content-Length: -1\r\n",
    "Content-Length: 1x\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "X-Fold: a\r\n b\r\n",
    "Host: second.test\r\n",
    "X-Nul: a\u0000b\r\n",
    "X-Ctl: a\u0007b\r\n",
    "Bad Header: x\r\n",
  };

  private Fuzz() {}

  static byte[] malformed(String good, Random random) {
    String head = good.substring(0, good.length() - 2);
    int kind = random.nextInt(DEFECTS.length + 3);
    if (kind < DEFECTS.length) {
      head = head + DEFECTS[kind];
    } else if (kind == DEFECTS.length) {
      head = head.replace("Host: app.test\r\n", "");
    } else if (kind == DEFECTS.length + 1) {
      head = head.replace("GET /ok", "GET http://evil.test/ok");
    } else {
      head = head.replace("/ok", "/o\u0001k");
    }
    byte[] bytes = (head + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    int noise = kind > DEFECTS.length ? 0 : random.nextInt(4); // request-line defects stay intact
    for (int i = 0; i < noise; i++) {
      int at = random.nextInt(bytes.length);
      // Noise never touches the defect's own bytes' meaning: it only flips bits in the request
      // line.
      if (at < good.indexOf('\r')) {
        bytes[at] = (byte) random.nextInt(256);
      }
    }
    return bytes;
  }
}
