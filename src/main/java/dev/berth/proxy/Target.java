package dev.berth.proxy;

import dev.berth.core.HostPort;
import java.nio.file.Path;
import java.util.List;

/** Where a matched request goes. */
public sealed interface Target {
  /** A set of upstream instances; {@code balance} picks one per request. */
  record Upstreams(List<HostPort> instances, Balance balance) implements Target {
    public Upstreams {
      instances = List.copyOf(instances);
      if (instances.isEmpty()) {
        throw new IllegalArgumentException("an upstream target needs at least one instance");
      }
    }
  }

  /** Berth's own console (the console host, and {@code /_berth/*} on every app host). */
  record Console() implements Target {}

  /** An app that exists but has nothing live yet: 503 with a page that says so. */
  record NoInstances(String app) implements Target {}

  /** Files served from a folder. */
  record Static(Path root, boolean spaFallback) implements Target {}

  /** A redirect to {@code location} (the request's path and query appended when it ends in /). */
  record Redirect(String location, int status) implements Target {}

  enum Balance {
    ROUND_ROBIN,
    LEAST_IN_FLIGHT
  }
}
