package dev.berth.proxy;

import java.time.Instant;
import java.util.Optional;

/**
 * A custom domain of an app and where its certificate stands. {@code nextAttemptAt} is when the
 * renewer works on it next (issue, retry or renew); empty when there is nothing to do.
 *
 * <pre>
 * pending ──► issuing ──► active ──(30 days before not_after)──► issuing ──► active
 *                └──────► failed ──(backoff)──► issuing
 * any ──(certificate uploaded)──► custom
 * </pre>
 */
record Domain(
    String host,
    String app,
    Instant createdAt,
    Status status,
    Optional<String> error,
    Optional<Instant> notAfter,
    Optional<Instant> nextAttemptAt,
    int attempts,
    Optional<Source> source) {

  enum Status {
    PENDING,
    ISSUING,
    ACTIVE,
    FAILED,
    CUSTOM
  }

  enum Source {
    ACME,
    CUSTOM
  }

  boolean wildcard() {
    return host.startsWith("*.");
  }
}
