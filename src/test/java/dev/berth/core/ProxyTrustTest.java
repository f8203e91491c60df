package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ProxyTrustTest {
  /** The hand-made HMAC must be the JDK's, for short, block-sized and long keys and messages. */
  @Test
  void hmacMatchesTheJdksForEveryKeyLength() throws Exception {
    var random = new Random(7);
    for (int keyLength : new int[] {0, 1, 32, 63, 64, 65, 200}) {
      for (int messageLength : new int[] {0, 25, 64, 1000}) {
        byte[] key = new byte[keyLength];
        byte[] message = new byte[messageLength];
        random.nextBytes(key);
        random.nextBytes(message);
        var mac = Mac.getInstance("HmacSHA256");
        // The JDK refuses an empty key; HMAC itself is defined for it (RFC 2104: zero padding).
        mac.init(new SecretKeySpec(keyLength == 0 ? new byte[1] : key, "HmacSHA256"));
        byte[] expected = mac.doFinal(message);
        byte[] actual = ProxyTrust.hmacSha256(keyLength == 0 ? new byte[1] : key, message);
        assertArrayEquals(expected, actual, keyLength + "/" + messageLength);
      }
    }
  }

  @Test
  void rfc4231TestCase2() {
    byte[] tag =
        ProxyTrust.hmacSha256(
            "Jefe".getBytes(StandardCharsets.US_ASCII),
            "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        java.util.HexFormat.of().formatHex(tag));
  }

  @Test
  void theSecretFollowsTheKeyAndOnlyItsOwnCopyMatches() {
    byte[] key = new byte[32];
    var one = ProxyTrust.derive(key);
    key[0] = 1;
    var other = ProxyTrust.derive(key);
    assertNotEquals(one.secret(), other.secret());
    assertEquals(one.secret(), ProxyTrust.derive(new byte[32]).secret());
    assertTrue(one.matches(one.secret()));
    assertFalse(one.matches(other.secret()));
  }
}
