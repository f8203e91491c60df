package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /api/v1/apps/{app}/domains/{host}/certificate}: an uploaded certificate is checked
 * (its key, its names, its dates), stored with the key sealed, served, and never returned; a
 * refused upload changes nothing.
 */
class DomainCertificatesIT {
  static TestPlatform berth;
  static Path dir;

  @BeforeAll
  static void boot() throws Exception {
    berth = TestPlatform.start();
    dir = Files.createTempDirectory("berth-certs-");
    assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"shop\"}").status());
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply upload(String host, Object certificate, Object key) {
    var body = new java.util.LinkedHashMap<String, Object>();
    body.put("certificate", certificate);
    body.put("private_key", key);
    return put(host, Json.write(body));
  }

  static TestPlatform.Reply put(String host, String body) {
    return berth.send(
        "PUT",
        "/api/v1/apps/shop/domains/" + host + "/certificate",
        body,
        TestPlatform.ADMIN_TOKEN);
  }

  static void add(String host) {
    var reply = berth.post("/api/v1/apps/shop/domains", "{\"host\":\"" + host + "\"}");
    assertEquals(201, reply.status(), reply.body());
  }

  static long storedCertificates(String host) {
    return berth
        .platform()
        .database()
        .read(tx -> tx.count("SELECT count(*) FROM certificates WHERE host = ?", host));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> certificate(Map<String, Object> domain) {
    return (Map<String, Object>) domain.get("certificate");
  }

  @Test
  void aValidUploadIsStoredSealedServedAndNeverReturned() {
    add("secure.example.com");
    var pem = TestCertificates.make(dir, List.of("secure.example.com"), 0, 90);
    var reply = upload("secure.example.com", pem.chain(), pem.key());
    assertEquals(200, reply.status(), reply.body());
    var certificate = certificate(reply.object());
    assertEquals("custom", certificate.get("status"));
    assertEquals("custom", certificate.get("source"));
    assertEquals(pem.leaf().getNotAfter().toInstant().toString(), certificate.get("not_after"));
    assertEquals(null, certificate.get("next_attempt_at"));
    assertFalse(reply.body().contains("PRIVATE"), reply.body());
    var list = berth.get("/api/v1/apps/shop/domains");
    assertFalse(list.body().contains("PRIVATE") || list.body().contains("BEGIN"), list.body());
    String sealed =
        berth
            .platform()
            .database()
            .read(
                tx ->
                    tx.one(
                        "SELECT sealed_key FROM certificates WHERE host = ?",
                        r -> r.getString(1),
                        "secure.example.com"))
            .orElseThrow();
    assertFalse(sealed.contains("PRIVATE"), "the key is sealed");
    AcmeIT.awaitTrue(() -> berth.platform().certificates().covers("secure.example.com"), "served");

    // A second upload replaces the first.
    var next = TestCertificates.make(dir, List.of("secure.example.com"), 0, 200);
    assertEquals(200, upload("secure.example.com", next.chain(), next.key()).status());
    assertEquals(1, storedCertificates("secure.example.com"));

    assertEquals(
        204,
        berth
            .send(
                "DELETE",
                "/api/v1/apps/shop/domains/secure.example.com",
                null,
                TestPlatform.ADMIN_TOKEN)
            .status());
    assertEquals(0, storedCertificates("secure.example.com"));
    AcmeIT.awaitTrue(
        () -> !berth.platform().certificates().covers("secure.example.com"), "no longer served");
  }

  @Test
  void aWildcardDomainWaitsForAnUploadedWildcardCertificate() {
    var added = berth.post("/api/v1/apps/shop/domains", "{\"host\":\"*.wild.example.com\"}");
    assertEquals(201, added.status(), added.body());
    var pending = certificate(added.object());
    assertEquals("pending", pending.get("status"));
    assertTrue(String.valueOf(pending.get("error")).contains("uploaded certificate"));
    assertEquals(null, pending.get("next_attempt_at"));

    var plain = TestCertificates.make(dir, List.of("www.wild.example.com"), 0, 30);
    assertProblem(
        upload("*.wild.example.com", plain.chain(), plain.key()), 422, "invalid-certificate");
    var wild = TestCertificates.make(dir, List.of("*.wild.example.com"), 0, 30);
    assertEquals(200, upload("*.wild.example.com", wild.chain(), wild.key()).status());
    AcmeIT.awaitTrue(
        () -> berth.platform().certificates().covers("any.wild.example.com"), "served");
  }

  @Test
  void unusableCertificatesAreRefusedAndChangeNothing() {
    String host = "checked.example.com";
    add(host);
    var good = TestCertificates.make(dir, List.of(host), 0, 30);
    var other = TestCertificates.make(dir, List.of(host), 0, 30);
    var wrongName = TestCertificates.make(dir, List.of("other.example.com"), 0, 30);
    var expired = TestCertificates.make(dir, List.of(host), -60, 30);
    var future = TestCertificates.make(dir, List.of(host), 10, 30);
    String rsaPkcs1 =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n";
    Object[][] cases = {
      {good.chain(), other.key(), "certificate"},
      {wrongName.chain(), wrongName.key(), "certificate"},
      {expired.chain(), expired.key(), "certificate"},
      {future.chain(), future.key(), "certificate"},
      {"not a certificate", good.key(), "certificate"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", good.key(), "certificate"},
      {good.chain(), rsaPkcs1, "private_key"},
      {good.chain(), "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----", "private_key"},
      {good.chain(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "private_key"},
      {good.chain().repeat(11), good.key(), "certificate"},
    };
    for (Object[] c : cases) {
      var reply = upload(host, c[0], c[1]);
      assertProblem(reply, 422, "invalid-certificate");
      assertEquals(c[2], reply.object().get("field"), reply.body());
      String keyText = String.valueOf(c[1]);
      assertFalse(reply.body().contains(keyText.substring(30, 50)), "no key material echoed");
    }
    for (String body :
        List.of(
            "{}",
            "{\"certificate\":\"x\"}",
            "{\"private_key\":\"x\"}",
            "{\"certificate\":1,\"private_key\":\"x\"}",
            "{\"certificate\":\"x\",\"private_key\":[]}",
            "{\"certificate\":\"x\",\"private_key\":\"y\",\"chain\":\"z\"}",
            Json.write(Map.of("certificate", "a".repeat(70_000), "private_key", "k")))) {
      assertProblem(put(host, body), 422, "invalid-domain");
    }
    assertProblem(put(host, "{"), 400, "malformed-json");
    assertEquals(0, storedCertificates(host));
    @SuppressWarnings("unchecked")
    var domains =
        (List<Map<String, Object>>) berth.get("/api/v1/apps/shop/domains").object().get("domains");
    var mine = domains.stream().filter(d -> host.equals(d.get("host"))).findFirst().orElseThrow();
    assertFalse("custom".equals(certificate(mine).get("status")), mine.toString());
    assertFalse(berth.platform().certificates().covers(host));
  }

  @Test
  void deletingAnAppDeletesItsDomainsAndCertificates() {
    assertEquals(201, berth.post("/api/v1/apps", "{\"name\":\"temp\"}").status());
    String host = "temp.example.net";
    var added = berth.post("/api/v1/apps/temp/domains", "{\"host\":\"" + host + "\"}");
    assertEquals(201, added.status(), added.body());
    var pem = TestCertificates.make(dir, List.of(host), 0, 30);
    var reply =
        berth.send(
            "PUT",
            "/api/v1/apps/temp/domains/" + host + "/certificate",
            Json.write(Map.of("certificate", pem.chain(), "private_key", pem.key())),
            TestPlatform.ADMIN_TOKEN);
    assertEquals(200, reply.status(), reply.body());
    AcmeIT.awaitTrue(() -> berth.platform().certificates().covers(host), "served");

    assertEquals(
        204, berth.send("DELETE", "/api/v1/apps/temp", null, TestPlatform.ADMIN_TOKEN).status());
    assertEquals(0, storedCertificates(host));
    long domains =
        berth
            .platform()
            .database()
            .read(tx -> tx.count("SELECT count(*) FROM domains WHERE host = ?", host));
    assertEquals(0L, domains);
    AcmeIT.awaitTrue(() -> !berth.platform().certificates().covers(host), "no longer served");
    AcmeIT.awaitTrue(
        () -> berth.platform().routes().current().match(host, "/").isEmpty(), "no longer routed");
  }
}
