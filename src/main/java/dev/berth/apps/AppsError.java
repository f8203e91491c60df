package dev.berth.apps;

import java.util.List;

/** Everything the apps domain refuses, as data; {@link AppsApi} maps each case to a problem. */
public sealed interface AppsError {
  /** A name that is not an allowed app name; {@code rule} says which rule it breaks. */
  record InvalidName(String rule) implements AppsError {}

  record AppExists(AppName name) implements AppsError {}

  record AppNotFound(String name) implements AppsError {}

  /** A field of an app that is not acceptable; {@code field} is its JSON name. */
  record InvalidField(String field, String rule) implements AppsError {}

  /** An env var key or value that is not acceptable; nothing of the request was applied. */
  record InvalidEnv(String key, String rule) implements AppsError {}

  record TooManyEnvVars(int wanted, int max) implements AppsError {}

  /** Stored values that no longer open with the master key (tampered, or another key). */
  record EnvUnreadable(List<String> keys) implements AppsError {}
}
