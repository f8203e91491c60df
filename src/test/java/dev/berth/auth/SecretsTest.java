package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Ids;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SecretsTest {
  final Ids ids = new Ids(Clock.systemUTC(), new SecureRandom());

  @Test
  void apiTokensHaveTheDocumentedFormat() {
    var seen = new HashSet<String>();
    for (int i = 0; i < 200; i++) {
      String token = Secrets.newApiToken(ids);
      assertTrue(token.matches("berth_[A-Za-z0-9_-]{43}"), token);
      assertTrue(Secrets.isApiTokenFormat(token));
      assertTrue(seen.add(token), "tokens do not repeat");
      assertEquals(token.substring(0, 12), Secrets.visiblePrefix(token));
    }
    assertFalse(Secrets.isApiTokenFormat("berth_short"));
    assertFalse(Secrets.isApiTokenFormat("other_" + "a".repeat(43)));
  }

  @Test
  void hashesAreSha256Hex() {
    // Known answer: SHA-256("abc").
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Secrets.sha256Hex("abc"));
    String token = Secrets.newApiToken(ids);
    assertEquals(64, Secrets.sha256Hex(token).length());
    assertNotEquals(Secrets.sha256Hex(token), Secrets.sha256Hex(token + "x"));
  }

  @Test
  void constantTimeEqualsCompares() {
    assertTrue(Secrets.constantTimeEquals("abc", "abc"));
    assertFalse(Secrets.constantTimeEquals("abc", "abd"));
    assertFalse(Secrets.constantTimeEquals("", "abc"));
  }
}
