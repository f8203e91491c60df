package dev.berth.web;

import dev.berth.core.Role;
import java.util.Optional;

/** Who may call a route: anyone, or a signed-in user with at least the given role. */
public enum Access {
  PUBLIC(null),
  VIEWER(Role.VIEWER),
  MEMBER(Role.MEMBER),
  ADMIN(Role.ADMIN);

  private final Role role;

  Access(Role role) {
    this.role = role;
  }

  public Optional<Role> role() {
    return Optional.ofNullable(role);
  }
}
