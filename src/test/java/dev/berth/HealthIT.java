package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthIT {
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  @Test
  void healthAnswersWithoutAuth() {
    var reply = berth.send("GET", "/api/v1/health", null, (String) null);
    assertEquals(200, reply.status());
    assertEquals("ok", reply.object().get("status"));
    assertEquals(
        "process", reply.object().get("runtime"), "TestPlatform asks for --runtime process");
    assertEquals(java.util.Map.of("store", "ok"), reply.object().get("checks"));
    assertTrue(reply.header("Content-Type").startsWith("application/json"));
    assertNotNull(reply.header("X-Request-Id"));
  }

  @Test
  void unknownEndpointIsAProblemWithTheRequestId() {
    var reply = berth.send("GET", "/api/v1/no-such-thing", null, (String) null);
    assertEquals(404, reply.status());
    assertEquals("application/problem+json", reply.header("Content-Type"));
    var body = reply.object();
    assertEquals("urn:berth:problem:not-found", body.get("type"));
    assertEquals(404L, body.get("status"));
    assertEquals(reply.header("X-Request-Id"), body.get("request_id"));
  }

  @Test
  void wrongMethodIs405WithAllow() {
    var reply = berth.send("DELETE", "/api/v1/health", null, (String) null);
    assertEquals(405, reply.status());
    assertEquals("GET", reply.header("Allow"));
  }

  @Test
  void aClientRequestIdIsKeptWhenItIsSafe() {
    var reply =
        berth.send("GET", "/api/v1/health", null, java.util.Map.of("X-Request-Id", "trace-42"));
    assertEquals("trace-42", reply.header("X-Request-Id"));
    var hostile =
        berth.send(
            "GET", "/api/v1/health", null, java.util.Map.of("X-Request-Id", "a b\"<script>"));
    assertTrue(hostile.header("X-Request-Id").matches("[0-9a-z]{26}"));
  }

  @Test
  void metricsAreOpenToLoopbackInPrometheusFormat() {
    berth.send("GET", "/api/v1/health", null, (String) null);
    var reply = berth.send("GET", "/metrics", null, (String) null);
    assertEquals(200, reply.status());
    assertTrue(reply.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    assertTrue(reply.body().contains("jvm_memory_used_bytes{area=\"heap\"}"));
    assertTrue(
        reply
            .body()
            .contains(
                "berth_http_requests_total{method=\"GET\",route=\"/api/v1/health\",status=\"200\"}"));
    assertTrue(reply.body().contains("jvm_gc_collection_seconds_sum"));
  }

  @Test
  void metricsFromBehindTheProxyNeedAToken() {
    var reply =
        berth.send(
            "GET",
            "/metrics",
            null,
            berth.asProxy(java.util.Map.of("X-Forwarded-For", "203.0.113.9")));
    assertEquals(401, reply.status());
  }
}
