package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Actor;
import dev.berth.core.SecretBox;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewer on a real SQLite store with a clock the test moves and a fake issuer: when it issues,
 * renews and retries, without sleeping through days.
 */
class CertificateRenewerTest {
  static final Actor ACTOR = new Actor("u1", "member@example.com", "127.0.0.1", "req-1");
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  Database db;
  DomainStore store;
  CertificateBook book = new CertificateBook();
  CertificateRefresher certificates;
  CertificateRenewer renewer;
  Instant now = START;
  final ArrayDeque<Object> outcomes = new ArrayDeque<>();
  final List<String> asked = new ArrayList<>();
  // keytool takes a second or two per certificate; one serves every test.
  static dev.berth.TestCertificates.Pem pem;

  /** A fake certificate authority: answers each request with the next queued outcome. */
  final class FakeIssuer implements CertificateIssuer {
    @Override
    public CertificateVault.Issued issue(String host) throws Failed {
      asked.add(host);
      Object next = outcomes.poll();
      if (next instanceof Failed failed) {
        throw failed;
      }
      var pem = (CertificateVault.Issued) next;
      return new CertificateVault.Issued(host, pem.chainPem(), pem.keyPem(), pem.notAfter());
    }
  }

  @BeforeEach
  void open() {
    db = Database.open(Optional.empty(), dir.resolve("berth.db"));
    Migrations.migrate(db, Clock.systemUTC());
    db.write(
        tx ->
            tx.update(
                "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('a1', 'shop', 0, 0)"));
    InstantSource clock = () -> now;
    var vault = new CertificateVault(new SecretBox(new byte[32], new SecureRandom()));
    store = new DomainStore(db, clock, (a, action, t, d) -> {}, vault);
    certificates = new CertificateRefresher(store, book, Duration.ofSeconds(1));
    renewer =
        new CertificateRenewer(store, FakeIssuer::new, certificates, clock, Duration.ofSeconds(1));
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** A real certificate (the refresher parses it) that the fake claims ends at {@code notAfter}. */
  CertificateVault.Issued certificate(Instant notAfter) {
    if (pem == null) {
      pem = dev.berth.TestCertificates.make(dir, List.of("www.example.com"), 0, 30);
    }
    return new CertificateVault.Issued("www.example.com", pem.chain(), pem.key(), notAfter);
  }

  Domain domain() {
    return store.find("www.example.com").orElseThrow();
  }

  @Test
  void issuesANewDomainThenRenewsThirtyDaysBeforeTheEnd() {
    store.add(ACTOR, "shop", "www.example.com");
    Instant end = START.plus(Duration.ofDays(90));
    outcomes.add(certificate(end));
    renewer.runDue();
    assertEquals(Domain.Status.ACTIVE, domain().status());
    assertEquals(Optional.of(end), domain().notAfter());
    assertEquals(Optional.of(end.minus(Duration.ofDays(30))), domain().nextAttemptAt());
    assertTrue(book.covers("www.example.com"));

    now = end.minus(Duration.ofDays(31));
    renewer.runDue();
    assertEquals(1, asked.size(), "not due yet: nothing asked");

    now = end.minus(Duration.ofDays(30));
    Instant newEnd = now.plus(Duration.ofDays(90));
    outcomes.add(certificate(newEnd));
    renewer.runDue();
    assertEquals(2, asked.size());
    assertEquals(Optional.of(newEnd), domain().notAfter());
    assertEquals(Domain.Status.ACTIVE, domain().status());
  }

  @Test
  void failuresBackOffExponentiallyAndHonourTheServersRetryAfter() {
    store.add(ACTOR, "shop", "www.example.com");
    outcomes.add(new CertificateIssuer.Failed("connection refused", Optional.empty()));
    renewer.runDue();
    assertEquals(Domain.Status.FAILED, domain().status());
    assertEquals(Optional.of("connection refused"), domain().error());
    assertEquals(1, domain().attempts());
    assertEquals(Optional.of(START.plus(Duration.ofMinutes(1))), domain().nextAttemptAt());

    now = START.plusSeconds(59);
    renewer.runDue();
    assertEquals(1, asked.size(), "not retried before the backoff ends");

    now = START.plus(Duration.ofMinutes(1));
    Instant retryAfter = now.plus(Duration.ofHours(3));
    outcomes.add(new CertificateIssuer.Failed("rate limited", Optional.of(retryAfter)));
    renewer.runDue();
    assertEquals(2, domain().attempts());
    assertEquals(Optional.of(retryAfter), domain().nextAttemptAt(), "the server's word wins");

    now = retryAfter;
    outcomes.add(certificate(now.plus(Duration.ofDays(90))));
    renewer.runDue();
    assertEquals(Domain.Status.ACTIVE, domain().status());
    assertEquals(0, domain().attempts());
    assertEquals(Optional.empty(), domain().error());
  }

  @Test
  void aDomainDeletedWhileIssuingGetsNoCertificateAndUploadsAreNeverRenewed() {
    store.add(ACTOR, "shop", "www.example.com");
    assertTrue(store.claim("www.example.com", now, now.plus(CertificateRenewer.LEASE)));
    store.remove(ACTOR, "shop", "www.example.com");
    assertFalse(store.issued(certificate(now.plusSeconds(3600)), now, now));
    assertTrue(store.certificates().isEmpty());

    store.add(ACTOR, "shop", "www.example.com");
    store.putCustom(ACTOR, "shop", certificate(now.plus(Duration.ofDays(10))));
    now = now.plus(Duration.ofDays(9));
    renewer.runDue();
    assertEquals(List.of(), asked);
    assertEquals(Domain.Status.CUSTOM, domain().status());
  }

  @Test
  void aStoppedAttemptIsPickedUpAgainWhenItsLeaseEnds() {
    store.add(ACTOR, "shop", "www.example.com");
    assertTrue(store.claim("www.example.com", now, now.plus(CertificateRenewer.LEASE)));
    renewer.runDue();
    assertEquals(List.of(), asked, "claimed elsewhere: left alone");
    now = now.plus(CertificateRenewer.LEASE);
    outcomes.add(certificate(now.plus(Duration.ofDays(90))));
    renewer.runDue();
    assertEquals(Domain.Status.ACTIVE, domain().status());
  }

  @Test
  void backoffAndRenewalTimes() {
    assertEquals(Duration.ofMinutes(1), CertificateRenewer.backoff(1));
    assertEquals(Duration.ofMinutes(2), CertificateRenewer.backoff(2));
    assertEquals(Duration.ofMinutes(64), CertificateRenewer.backoff(7));
    assertEquals(Duration.ofHours(24), CertificateRenewer.backoff(50));
    Instant end = START.plus(Duration.ofDays(90));
    assertEquals(end.minus(Duration.ofDays(30)), CertificateRenewer.renewAt(START, end));
    Instant shortEnd = START.plus(Duration.ofDays(6));
    assertEquals(START.plus(Duration.ofDays(4)), CertificateRenewer.renewAt(START, shortEnd));
  }
}
