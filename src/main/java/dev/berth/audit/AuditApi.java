package dev.berth.audit;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.web.Access;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;

/**
 * {@code GET /api/v1/audit?limit=50&before=<id>&action=app.}: entries newest first, for admins. The
 * answer carries {@code next} (the id to pass as {@code before}) while more remain.
 */
public final class AuditApi {
  private static final int MAX_LIMIT = 500;
  private final AuditLog log;

  public AuditApi(AuditLog log) {
    this.log = log;
  }

  public void register(Router router) {
    router.get("/api/v1/audit", Access.ADMIN, this::list);
  }

  private Response list(Request request) {
    int limit = limit(request.query("limit").orElse("50"));
    var before = request.query("before").filter(s -> !s.isBlank());
    var action = request.query("action").filter(s -> !s.isBlank());
    var entries = log.list(limit + 1, before, action);
    boolean more = entries.size() > limit;
    var page = more ? entries.subList(0, limit) : entries;
    return Response.ok(Json.obj("entries", page, "next", more ? page.getLast().id() : null));
  }

  private static int limit(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ProblemException(
        Problem.invalid("limit", "limit must be a whole number from 1 to " + MAX_LIMIT));
  }
}
