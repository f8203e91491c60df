package dev.berth.core;

import java.util.Locale;
import java.util.Optional;

/** What a user may do: admins everything, members change apps, viewers only read. */
public enum Role {
  VIEWER,
  MEMBER,
  ADMIN;

  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String text) {
    for (var role : values()) {
      if (role.wire().equals(text)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
