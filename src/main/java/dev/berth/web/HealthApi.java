package dev.berth.web;

import dev.berth.core.Json;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: {@code 200 {"status":"ok",...}} without auth while every check
 * passes, {@code 503 {"status":"degraded",...}} when one fails. Checks are cheap and named.
 */
public final class HealthApi {
  private final Map<String, Supplier<Boolean>> checks = new LinkedHashMap<>();
  private final Map<String, Object> facts;
  private final InstantSource clock;
  private final long startedAt;

  public HealthApi(Map<String, Object> facts, InstantSource clock) {
    this.facts = facts;
    this.clock = clock;
    this.startedAt = clock.millis();
  }

  public HealthApi check(String name, Supplier<Boolean> check) {
    checks.put(name, check);
    return this;
  }

  public void register(Router router) {
    router.get("/api/v1/health", Access.PUBLIC, request -> health());
  }

  Response health() {
    var results = new LinkedHashMap<String, Object>();
    boolean ok = true;
    for (var entry : checks.entrySet()) {
      boolean passed;
      try {
        passed = entry.getValue().get();
      } catch (RuntimeException e) {
        passed = false;
      }
      results.put(entry.getKey(), passed ? "ok" : "failing");
      ok &= passed;
    }
    var body = Json.obj("status", ok ? "ok" : "degraded");
    body.putAll(facts);
    body.put("uptime_seconds", Duration.ofMillis(clock.millis() - startedAt).toSeconds());
    body.put("checks", results);
    return Response.json(ok ? 200 : 503, body);
  }
}
