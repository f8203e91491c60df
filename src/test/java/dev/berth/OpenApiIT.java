package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The published OpenAPI document describes exactly the routes the console serves. */
class OpenApiIT {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  @SuppressWarnings("unchecked")
  void documentMatchesTheRouter() {
    try (var berth = TestPlatform.start()) {
      var reply = berth.send("GET", "/api/v1/openapi.json", null, (String) null);
      assertEquals(200, reply.status());
      var doc = reply.object();
      assertTrue(((String) doc.get("openapi")).startsWith("3.1."), "OpenAPI 3.1");
      var documented = new TreeSet<String>();
      var paths = (Map<String, Object>) doc.get("paths");
      paths.forEach(
          (path, item) ->
              ((Map<String, Object>) item)
                  .keySet().stream()
                      .filter(METHODS::contains)
                      .forEach(method -> documented.add(method.toUpperCase() + " " + path)));
      var served = new TreeSet<String>();
      berth.platform().router().routes().forEach(r -> served.add(r.method() + " " + r.pattern()));
      var undocumented = new TreeSet<>(served);
      undocumented.removeAll(documented);
      var phantom = new TreeSet<>(documented);
      phantom.removeAll(served);
      assertTrue(undocumented.isEmpty(), "routes missing from openapi.json: " + undocumented);
      assertTrue(phantom.isEmpty(), "openapi.json documents routes that do not exist: " + phantom);
      for (var entry : paths.entrySet()) {
        for (var op : ((Map<String, Object>) entry.getValue()).entrySet()) {
          if (METHODS.contains(op.getKey())) {
            var operation = (Map<String, Object>) op.getValue();
            assertTrue(
                operation.containsKey("summary"),
                op.getKey() + " " + entry.getKey() + " has a summary");
            assertTrue(
                operation.containsKey("responses"),
                op.getKey() + " " + entry.getKey() + " has responses");
          }
        }
      }
    }
  }
}
