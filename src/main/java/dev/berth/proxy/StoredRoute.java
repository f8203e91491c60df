package dev.berth.proxy;

import java.time.Instant;
import java.util.List;

/**
 * A route to services Berth did not deploy, as the store keeps it: upstream {@code targets}, or a
 * {@code root} folder (then targets is empty) served as a static site.
 */
public record StoredRoute(
    String host,
    String pathPrefix,
    List<String> targets,
    Target.Balance balance,
    Instant createdAt,
    Instant updatedAt,
    String root,
    boolean spa) {
  public StoredRoute {
    targets = List.copyOf(targets);
  }

  /** A route to upstream targets. */
  public StoredRoute(
      String host,
      String pathPrefix,
      List<String> targets,
      Target.Balance balance,
      Instant createdAt,
      Instant updatedAt) {
    this(host, pathPrefix, targets, balance, createdAt, updatedAt, null, false);
  }
}
