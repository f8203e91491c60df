package dev.berth.proxy;

import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.core.ServeConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The background job that gets certificates: it issues for new domains, renews {@link
 * #RENEW_BEFORE} before a certificate ends, and retries failures with exponential backoff (never
 * sooner than the ACME server's own retry-after). It works on its own virtual thread, one host at a
 * time, so no request ever waits for an ACME server; the API only {@link #wake}s it.
 *
 * <p>Every domain carries the time it is next due ({@code next_attempt_at}); a claimed domain gets
 * a lease of {@link #LEASE}, so a Berth stopped while issuing picks the domain up again after it.
 */
public final class CertificateRenewer implements Lifecycle {
  private static final Log LOG = Log.of(CertificateRenewer.class);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  static final Duration LEASE = Duration.ofMinutes(10);
  static final Duration FIRST_RETRY = Duration.ofMinutes(1);
  static final Duration MAX_RETRY = Duration.ofHours(24);
  private static final int BATCH = 16;

  private final DomainStore store;
  private final Supplier<CertificateIssuer> issuers;
  private final CertificateRefresher certificates;
  private final InstantSource clock;
  private final Duration every;
  private final Semaphore work = new Semaphore(0);
  private volatile boolean stopping;
  private CertificateIssuer issuer;
  private Thread worker;

  public CertificateRenewer(
      DomainStore store,
      Supplier<CertificateIssuer> issuers,
      CertificateRefresher certificates,
      InstantSource clock,
      Duration every) {
    this.store = store;
    this.issuers = issuers;
    this.certificates = certificates;
    this.clock = clock;
    this.every = every;
  }

  /**
   * A renewer that issues from the ACME directory of {@code settings}. The {@link Acme} issuer is
   * made on the first due domain: until then no acme4j class is loaded.
   */
  public static CertificateRenewer overAcme(
      ServeConfig.Acme settings,
      AcmeChallenges challenges,
      DomainStore store,
      CertificateRefresher certificates,
      InstantSource clock) {
    return new CertificateRenewer(
        store,
        () -> new Acme(settings, challenges, store),
        certificates,
        clock,
        Duration.ofSeconds(1));
  }

  /** Asks the worker to look for due domains now instead of at its next tick. */
  public void wake() {
    work.release();
  }

  /** Works on every due domain once. Never throws. */
  void runDue() {
    try {
      for (Domain domain : store.due(clock.instant(), BATCH)) {
        if (stopping) {
          return;
        }
        attempt(domain);
      }
    } catch (RuntimeException e) {
      LOG.warn("certificate renewer could not read the store; retrying", "error", e.toString());
    }
  }

  private void attempt(Domain domain) {
    Instant now = clock.instant();
    if (!store.claim(domain.host(), now, now.plus(LEASE))) {
      return;
    }
    LOG.info("issuing certificate", "host", domain.host(), "attempt", domain.attempts() + 1);
    try {
      var issued = issuer().issue(domain.host());
      Instant done = clock.instant();
      if (store.issued(issued, done, renewAt(done, issued.notAfter()))) {
        certificates.refreshAfterWrite();
        LOG.info("certificate issued", "host", domain.host(), "not_after", issued.notAfter());
      }
    } catch (CertificateIssuer.Failed e) {
      fail(domain, e.getMessage(), e.retryAfter().orElse(Instant.EPOCH));
    } catch (RuntimeException e) {
      fail(domain, e.toString(), Instant.EPOCH);
    }
  }

  private void fail(Domain domain, String error, Instant notBefore) {
    Instant now = clock.instant();
    Instant next = now.plus(backoff(domain.attempts() + 1));
    if (notBefore.isAfter(next)) {
      next = notBefore;
    }
    store.failed(domain.host(), error, now, next);
    LOG.warn("certificate not issued", "host", domain.host(), "error", error, "retry_at", next);
  }

  private CertificateIssuer issuer() {
    if (issuer == null) {
      issuer = issuers.get();
    }
    return issuer;
  }

  /** 1 min, 2, 4, ... up to a day. */
  static Duration backoff(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 20);
    Duration delay = FIRST_RETRY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
  }

  /**
   * When to renew: {@link #RENEW_BEFORE} the end, or at two thirds of the lifetime for a
   * certificate shorter than that allows (short-lived certificates would otherwise renew at once).
   */
  static Instant renewAt(Instant now, Instant notAfter) {
    Duration left = Duration.between(now, notAfter);
    Duration third = left.dividedBy(3);
    return notAfter.minus(third.compareTo(RENEW_BEFORE) < 0 ? third : RENEW_BEFORE);
  }

  @Override
  public void start() {
    worker = Thread.ofVirtual().name("certificate-renewer").start(this::loop);
  }

  private void loop() {
    try {
      while (!stopping) {
        runDue();
        work.tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS);
        work.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    stopping = true;
    work.release();
    if (worker != null) {
      try {
        // An attempt in flight may wait on an ACME server; its lease makes it due again later.
        worker.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
