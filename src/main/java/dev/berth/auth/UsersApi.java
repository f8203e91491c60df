package dev.berth.auth;

import dev.berth.core.Json;
import dev.berth.core.Role;
import dev.berth.web.Access;
import dev.berth.web.JsonBody;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.util.Optional;
import java.util.Set;

/** Admins manage users: {@code GET|POST /api/v1/users}, {@code PATCH|DELETE /api/v1/users/{id}}. */
final class UsersApi {
  private final Accounts accounts;

  UsersApi(Accounts accounts) {
    this.accounts = accounts;
  }

  void register(Router router) {
    router.get("/api/v1/users", Access.ADMIN, r -> Response.ok(Json.obj("users", accounts.list())));
    router.post("/api/v1/users", Access.ADMIN, this::create);
    router.patch("/api/v1/users/{id}", Access.ADMIN, this::update);
    router.delete("/api/v1/users/{id}", Access.ADMIN, this::delete);
  }

  private Response create(Request request) {
    var body = request.json().only(Set.of("email", "password", "role"));
    String email = body.string("email");
    String password = body.string("password");
    Role role = role(body).orElseThrow(() -> invalid("role", "role is required"));
    return Response.json(201, accounts.create(request.actor(), email, password, role));
  }

  private Response update(Request request) {
    var body = request.json().only(Set.of("role", "password"));
    var role = role(body);
    var password = body.optString("password");
    if (role.isEmpty() && password.isEmpty()) {
      throw invalid("role", "send role, password or both");
    }
    return Response.ok(accounts.update(request.actor(), request.param("id"), role, password));
  }

  private Response delete(Request request) {
    accounts.delete(request.actor(), request.param("id"));
    return Response.noContent();
  }

  private static Optional<Role> role(JsonBody body) {
    return body.optString("role")
        .map(
            text ->
                Role.parse(text)
                    .orElseThrow(() -> invalid("role", "role must be admin, member or viewer")));
  }

  private static AuthException invalid(String field, String detail) {
    return new AuthException(new AuthError.Invalid(field, detail));
  }
}
