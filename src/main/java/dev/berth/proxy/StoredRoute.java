package dev.berth.proxy;

import java.time.Instant;
import java.util.List;

/** A route to services Berth did not deploy, as the store keeps it. */
public record StoredRoute(
    String host,
    String pathPrefix,
    List<String> targets,
    Target.Balance balance,
    Instant createdAt,
    Instant updatedAt) {
  public StoredRoute {
    targets = List.copyOf(targets);
  }
}
