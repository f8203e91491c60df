package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  final Passwords passwords = new Passwords(4);

  @Test
  void lengthIsCountedInUtf8Bytes() {
    Passwords.check("password", "0123456789");
    Passwords.check("password", "x".repeat(72));
    var shortOne =
        assertThrows(AuthException.class, () -> Passwords.check("password", "123456789"));
    assertEquals(
        new AuthError.Invalid("password", "password must be at least 10 characters"),
        shortOne.error());
    assertThrows(AuthException.class, () -> Passwords.check("password", "x".repeat(73)));
    // 25 three-byte characters are 75 bytes: more than bcrypt reads.
    var wide =
        assertThrows(AuthException.class, () -> Passwords.check("new_password", "€".repeat(25)));
    assertTrue(((AuthError.Invalid) wide.error()).detail().contains("72 bytes"));
    assertEquals("new_password", ((AuthError.Invalid) wide.error()).field());
  }

  @Test
  void hashesVerifyOnlyTheRightPassword() {
    String hash = passwords.hash("password", "correct horse battery");
    assertTrue(hash.startsWith("$2a$04$"));
    assertTrue(passwords.verify("correct horse battery", hash));
    assertFalse(passwords.verify("correct horse batterY", hash));
    assertFalse(passwords.verify("", hash));
    assertFalse(passwords.verify("x".repeat(500), hash));
    assertFalse(passwords.verify("anything at all", null), "a missing user never matches");
    assertFalse(passwords.verify("anything at all", "not a bcrypt hash"));
  }

  @Test
  void productionCostIsEleven() {
    assertEquals(11, Passwords.COST);
  }

  @Test
  void emailsAreLowerCasedAndValidated() {
    assertEquals("ada@example.com", Email.parse("email", "  Ada@Example.COM ").value());
    assertEquals("admin@localhost", Email.parse("email", "admin@localhost").value());
    for (String bad :
        new String[] {"", "ada", "@x.io", "ada@", "a b@x.io", "ada@-x.io", "ä@x.io"}) {
      assertThrows(AuthException.class, () -> Email.parse("email", bad), bad);
    }
    var huge =
        assertThrows(AuthException.class, () -> Email.parse("email", "a".repeat(300) + "@x.io"));
    assertTrue(((AuthError.Invalid) huge.error()).detail().contains("longer than 254"));
  }
}
