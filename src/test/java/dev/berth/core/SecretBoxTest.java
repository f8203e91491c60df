package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private final byte[] key = new byte[32];
  private final SecretBox box = new SecretBox(key, new SecureRandom());

  @Test
  void sealsAndOpens() {
    String sealed = box.seal("s3cret value", "env:app1:TOKEN");
    assertFalse(sealed.contains("s3cret"));
    assertEquals("s3cret value", box.open(sealed, "env:app1:TOKEN"));
    assertNotEquals(sealed, box.seal("s3cret value", "env:app1:TOKEN"), "fresh nonce each time");
  }

  @Test
  void aValueMovedToAnotherPlaceDoesNotOpen() {
    String sealed = box.seal("x", "env:app1:A");
    assertThrows(IllegalArgumentException.class, () -> box.open(sealed, "env:app1:B"));
    assertThrows(IllegalArgumentException.class, () -> box.open(sealed, "env:app2:A"));
  }

  @Test
  void tamperingAndTruncationAreDetected() {
    String sealed = box.seal("hello", "p");
    char last = sealed.charAt(sealed.length() - 3);
    String flipped =
        sealed.substring(0, sealed.length() - 3)
            + (last == 'A' ? 'B' : 'A')
            + sealed.substring(sealed.length() - 2);
    assertThrows(IllegalArgumentException.class, () -> box.open(flipped, "p"));
    assertThrows(IllegalArgumentException.class, () -> box.open("v1.AAAA", "p"));
    assertThrows(IllegalArgumentException.class, () -> box.open("v2.whatever", "p"));
    var otherKey = new byte[32];
    otherKey[0] = 1;
    assertThrows(
        IllegalArgumentException.class,
        () -> new SecretBox(otherKey, new SecureRandom()).open(sealed, "p"));
  }

  @Test
  void keyMustBe32Bytes() {
    assertThrows(
        IllegalArgumentException.class, () -> new SecretBox(new byte[16], new SecureRandom()));
  }
}
