package dev.berth.core;

/**
 * Who is making a request: a user, their role, and how they proved it. {@code tokenId} is set for
 * API-token requests and {@code sessionId} for dashboard sessions, so a user can see and revoke the
 * credential that was used.
 */
public record Principal(String userId, String email, Role role, Via via, String credentialId) {
  public enum Via {
    TOKEN,
    SESSION
  }

  public boolean can(Role needed) {
    return role.atLeast(needed);
  }
}
