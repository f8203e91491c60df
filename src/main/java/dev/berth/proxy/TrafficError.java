package dev.berth.proxy;

/** What can go wrong when an app's traffic is switched; the API maps each to one problem type. */
public sealed interface TrafficError {
  /** No app of that name (the traffic of an app that does not exist cannot be switched). */
  record AppNotFound(String app) implements TrafficError {}

  /** A field of the request is missing or wrong; {@code rule} says what is expected. */
  record InvalidInstances(String field, String rule) implements TrafficError {}
}
