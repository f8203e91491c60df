package dev.berth.apps;

import java.time.Instant;

/** One env var as listed: its key and when it last changed, never its value. */
public record EnvVar(String key, Instant updatedAt) {}
