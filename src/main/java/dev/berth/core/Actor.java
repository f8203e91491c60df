package dev.berth.core;

/**
 * Who did something and from where, as the audit log records it. {@code userId} is null for the
 * system itself and for anonymous requests (a failed sign-in).
 */
public record Actor(String userId, String name, String address, String requestId) {
  public static Actor system() {
    return new Actor(null, "system", null, null);
  }
}
