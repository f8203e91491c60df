package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit log through the API and the store underneath it, on SQLite or PostgreSQL. */
class AuditIT {
  @Test
  @SuppressWarnings("unchecked")
  void filtersByActionPrefixLiterally() {
    try (var berth = TestPlatform.start()) {
      berth.send(
          "POST",
          "/api/v1/auth/login",
          "{\"email\":\"" + TestPlatform.ADMIN_EMAIL + "\",\"password\":\"wrong password!\"}",
          Map.of());
      berth.post("/api/v1/apps", "{\"name\":\"audited\"}");
      var failed =
          (List<Map<String, Object>>)
              berth.get("/api/v1/audit?action=auth.login_failed").object().get("entries");
      assertEquals(1, failed.size(), "underscore is a literal, not a wildcard");
      assertEquals("auth.login_failed", failed.getFirst().get("action"));
      assertEquals("anonymous", failed.getFirst().get("actor"));
      var wildcard =
          (List<Map<String, Object>>) berth.get("/api/v1/audit?action=%25").object().get("entries");
      assertTrue(wildcard.isEmpty(), "% is a literal too");
      var apps =
          (List<Map<String, Object>>)
              berth.get("/api/v1/audit?action=app.").object().get("entries");
      assertEquals("app.create", apps.getFirst().get("action"));
      assertEquals("app:audited", apps.getFirst().get("target"));
      assertEquals("127.0.0.1", apps.getFirst().get("address"));
      assertTrue(((String) apps.getFirst().get("request_id")).length() > 10);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void pagesNewestFirst() {
    try (var berth = TestPlatform.start()) {
      for (int i = 0; i < 5; i++) {
        berth.post("/api/v1/apps", "{\"name\":\"page-" + i + "\"}");
      }
      var first = berth.get("/api/v1/audit?action=app.&limit=2").object();
      var entries = (List<Map<String, Object>>) first.get("entries");
      assertEquals("app:page-4", entries.get(0).get("target"));
      assertEquals("app:page-3", entries.get(1).get("target"));
      var second =
          berth.get("/api/v1/audit?action=app.&limit=2&before=" + first.get("next")).object();
      assertEquals(
          "app:page-2", ((List<Map<String, Object>>) second.get("entries")).get(0).get("target"));
      for (String bad : List.of("0", "501", "x", "-1")) {
        var reply = berth.get("/api/v1/audit?limit=" + bad);
        assertEquals(422, reply.status(), bad);
        assertEquals("urn:berth:problem:validation", reply.object().get("type"));
      }
    }
  }

  @Test
  void nullsBindIntoEveryColumnTypeOnBothStores() {
    try (var berth = TestPlatform.start()) {
      var db = berth.platform().database();
      db.write(
          tx ->
              tx.update(
                  "INSERT INTO audit_log (id, at, user_id, actor, action, target, detail, address,"
                      + " request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  "zzzz",
                  1L,
                  null,
                  "t",
                  "t.null",
                  null,
                  "{}",
                  null,
                  null));
      db.write(tx -> tx.update("INSERT INTO settings (name, value) VALUES (?, ?)", "n", "v"));
      Long value =
          db.read(
              tx ->
                  tx.one(
                          "SELECT last_used_at FROM api_tokens WHERE id = ?",
                          r -> dev.berth.store.Tx.nullableLong(r, "last_used_at"),
                          "none")
                      .orElse(null));
      assertNull(value);
      db.write(
          tx ->
              tx.update(
                  "UPDATE api_tokens SET expires_at = ?, last_used_at = ? WHERE id = ?",
                  null,
                  null,
                  "none"));
    }
  }
}
