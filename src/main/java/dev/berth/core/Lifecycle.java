package dev.berth.core;

/**
 * A part of the platform that runs in the background. {@code Platform} starts parts in construction
 * order and stops them in reverse; {@link #stop()} must not throw and must be safe to call on a
 * part whose {@link #start()} failed.
 */
public interface Lifecycle {
  void start();

  void stop();

  default String name() {
    return getClass().getSimpleName();
  }
}
