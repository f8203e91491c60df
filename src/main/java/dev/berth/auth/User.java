package dev.berth.auth;

import dev.berth.core.Role;
import java.time.Instant;

/** A user as the API shows it: {@code {id, email, role, created_at}}; never the password hash. */
public record User(String id, String email, Role role, Instant createdAt) {}
