package dev.berth.auth;

import dev.berth.core.Json;
import dev.berth.core.Principal;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.core.Role;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/tokens} ({@code ?all=true} for admins), {@code POST /api/v1/tokens}, {@code
 * DELETE /api/v1/tokens/{id}}. Every signed-in user manages their own tokens.
 */
final class TokensApi {
  private final ApiTokens tokens;

  TokensApi(ApiTokens tokens) {
    this.tokens = tokens;
  }

  void register(Router router) {
    router.get("/api/v1/tokens", Access.VIEWER, this::list);
    router.post("/api/v1/tokens", Access.VIEWER, this::create);
    router.delete("/api/v1/tokens/{id}", Access.VIEWER, this::revoke);
  }

  private Response list(Request request) {
    Principal who = request.user();
    boolean all =
        switch (request.query("all").orElse("false")) {
          case "true" -> true;
          case "false" -> false;
          default ->
              throw new ProblemException(Problem.invalid("all", "all must be true or false"));
        };
    if (all && !who.can(Role.ADMIN)) {
      throw new AuthException(new AuthError.AdminOnly("only admins may list everyone's tokens"));
    }
    return Response.ok(
        Json.obj("tokens", tokens.list(all ? Optional.empty() : Optional.of(who.userId()))));
  }

  private Response create(Request request) {
    var body = request.json().only(Set.of("name", "expires_in_days"));
    String name = body.string("name");
    var days = body.optLong("expires_in_days");
    var created = tokens.create(request.actor(), request.user().userId(), name, days);
    return Response.json(201, created);
  }

  private Response revoke(Request request) {
    tokens.revoke(request.actor(), request.user(), request.param("id"));
    return Response.noContent();
  }
}
