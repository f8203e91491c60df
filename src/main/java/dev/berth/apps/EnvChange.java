package dev.berth.apps;

import java.util.List;

/**
 * What one {@code PUT .../env} did: keys added, keys whose value changed, keys removed (sorted).
 * Setting a key to the value it already has, or removing a key that is not there, changes nothing.
 */
public record EnvChange(
    List<String> added, List<String> updated, List<String> removed, List<EnvVar> env) {
  public boolean isEmpty() {
    return added.isEmpty() && updated.isEmpty() && removed.isEmpty();
  }
}
