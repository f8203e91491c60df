package dev.berth.proxy;

import java.time.Instant;
import java.util.Optional;

/**
 * Gets a certificate for one host from a certificate authority. {@link Acme} is the real one; the
 * port keeps acme4j (and the BouncyCastle it brings) out of every class the idle proxy loads.
 */
interface CertificateIssuer {
  /** Blocks until the certificate is issued or the attempt failed. */
  CertificateVault.Issued issue(String host) throws Failed;

  /**
   * An attempt that failed; {@code retryAfter} is the authority's own word on when to try again.
   */
  final class Failed extends Exception {
    private final transient Optional<Instant> retryAfter;

    Failed(String message, Optional<Instant> retryAfter) {
      super(message, null, false, false);
      this.retryAfter = retryAfter;
    }

    Optional<Instant> retryAfter() {
      return retryAfter;
    }
  }
}
