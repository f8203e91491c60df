package dev.berth.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.SecretBox;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Env values are bound to their app and key: moving a sealed value elsewhere does not open it. */
class SealedEnvTest {
  private final byte[] key = new byte[32];
  private final SecretBox box;

  SealedEnvTest() {
    new Random(7).nextBytes(key);
    box = new SecretBox(key, new SecureRandom());
  }

  @Test
  void aValueOpensOnlyUnderItsOwnAppAndKey() {
    var app = new AppId("01app");
    String sealed = box.seal("postgres://secret", AppEnv.associatedData(app, "DATABASE_URL"));
    assertFalse(sealed.contains("secret"));
    assertEquals("postgres://secret", box.open(sealed, AppEnv.associatedData(app, "DATABASE_URL")));
    assertThrows(
        IllegalArgumentException.class,
        () -> box.open(sealed, AppEnv.associatedData(app, "PUBLIC_URL")));
    assertThrows(
        IllegalArgumentException.class,
        () -> box.open(sealed, AppEnv.associatedData(new AppId("01other"), "DATABASE_URL")));
  }

  @Test
  void anotherMasterKeyCannotOpen() {
    var app = new AppId("01app");
    String sealed = box.seal("v", AppEnv.associatedData(app, "K"));
    byte[] otherKey = key.clone();
    otherKey[0] ^= 1;
    var other = new SecretBox(otherKey, new SecureRandom());
    assertThrows(
        IllegalArgumentException.class, () -> other.open(sealed, AppEnv.associatedData(app, "K")));
  }

  @Test
  void theSameValueSealsDifferentlyEachTime() {
    var ad = AppEnv.associatedData(new AppId("01app"), "K");
    assertFalse(box.seal("same", ad).equals(box.seal("same", ad)));
  }
}
