package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM parsing and the checks an uploaded certificate must pass, with the JDK alone. */
class CertificatePemTest {
  @TempDir static Path dir;
  static TestCertificates.Pem www;
  static TestCertificates.Pem wildcard;

  @BeforeAll
  static void make() {
    www = TestCertificates.make(dir, List.of("www.example.com", "example.com"), 0, 30);
    wildcard = TestCertificates.make(dir, List.of("*.example.org"), 0, 30);
  }

  @Test
  void roundTripsAChainAndAKey() {
    var chain = CertificatePem.chain(www.chain());
    assertEquals(List.of(www.leaf()), chain);
    var key = CertificatePem.key(www.key());
    assertEquals(key, CertificatePem.key(CertificatePem.keyPem(key)));
    assertEquals(chain, CertificatePem.chain(CertificatePem.chainPem(chain)));
    assertEquals(List.of("www.example.com", "example.com"), CertificatePem.names(www.leaf()));
  }

  @Test
  void acceptsAMatchingCurrentCertificateForItsNames() {
    var now = Instant.now();
    var chain = CertificatePem.chain(www.chain());
    var key = CertificatePem.key(www.key());
    assertEquals(Optional.empty(), CertificatePem.unusable("www.example.com", chain, key, now));
    assertEquals(Optional.empty(), CertificatePem.unusable("example.com", chain, key, now));
    var wild = CertificatePem.chain(wildcard.chain());
    var wildKey = CertificatePem.key(wildcard.key());
    assertEquals(Optional.empty(), CertificatePem.unusable("a.example.org", wild, wildKey, now));
    assertEquals(Optional.empty(), CertificatePem.unusable("*.example.org", wild, wildKey, now));
  }

  @Test
  void refusesWrongKeysNamesAndDates() {
    var now = Instant.now();
    var chain = CertificatePem.chain(www.chain());
    var otherKey = CertificatePem.key(wildcard.key());
    assertTrue(CertificatePem.unusable("www.example.com", chain, otherKey, now).isPresent());
    var key = CertificatePem.key(www.key());
    assertTrue(CertificatePem.unusable("mail.example.com", chain, key, now).isPresent());
    assertTrue(CertificatePem.unusable("a.www.example.com", chain, key, now).isPresent());
    var wild = CertificatePem.chain(wildcard.chain());
    var wildKey = CertificatePem.key(wildcard.key());
    assertTrue(CertificatePem.unusable("a.b.example.org", wild, wildKey, now).isPresent());
    assertTrue(CertificatePem.unusable("example.org", wild, wildKey, now).isPresent());
    assertTrue(
        CertificatePem.unusable("www.example.com", chain, key, now.plus(Duration.ofDays(31)))
            .orElseThrow()
            .contains("expired"));
    assertTrue(
        CertificatePem.unusable("www.example.com", chain, key, now.minus(Duration.ofDays(1)))
            .orElseThrow()
            .contains("not valid before"));
  }

  @Test
  void garbageIsRefusedWithAPlainReason() {
    for (String text :
        List.of(
            "",
            "hello",
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
            www.key())) {
      var e = assertThrows(IllegalArgumentException.class, () -> CertificatePem.chain(text));
      assertFalse(e.getMessage().isBlank());
    }
    for (String text :
        List.of(
            "",
            www.chain(),
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----",
            "-----END PRIVATE KEY----- -----BEGIN PRIVATE KEY-----")) {
      var e = assertThrows(IllegalArgumentException.class, () -> CertificatePem.key(text));
      assertFalse(e.getMessage().isBlank());
    }
  }

  @Test
  void theBookCoversExactHostsAndOneWildcardLabel() {
    var book = new CertificateBook();
    var key = CertificatePem.key(www.key());
    var chain = CertificatePem.chain(www.chain());
    book.replaceAll(
        List.of(
            new CertificateBook.Entry("www.example.com", key, chain),
            new CertificateBook.Entry("*.example.org", key, chain)));
    assertTrue(book.covers("www.example.com"));
    assertTrue(book.covers("WWW.example.com"));
    assertTrue(book.covers("a.example.org"));
    assertFalse(book.covers("a.b.example.org"));
    assertFalse(book.covers("example.org"));
    assertFalse(book.covers("example.com"));
    book.replaceAll(List.of());
    assertFalse(book.covers("www.example.com"));
  }
}
