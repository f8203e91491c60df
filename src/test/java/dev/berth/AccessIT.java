package dev.berth;

import static dev.berth.AppsIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.proxy.AccessRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Access records: written by the platform's access log, read through the API. */
class AccessIT {
  static TestPlatform berth;
  static String viewer;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
    viewer = Users.withRole(berth, "viewer");
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  static TestPlatform.Reply admin(String path) {
    return berth.send("GET", path, null, TestPlatform.ADMIN_TOKEN);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> records(TestPlatform.Reply reply) {
    return (List<Map<String, Object>>) reply.object().get("records");
  }

  static void record(String host, String path, int status) {
    berth
        .platform()
        .accessLog()
        .record(
            new AccessRecord(
                System.currentTimeMillis(),
                host,
                "GET",
                path,
                status,
                100,
                250,
                status == 503 ? null : "127.0.0.1:9000",
                "10.1.2.3",
                "req-" + path));
  }

  static void waitForRecords(String host, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (records(admin("/api/v1/access?limit=500&host=" + host)).size() < count) {
      assertTrue(System.nanoTime() < deadline, "records did not arrive");
      Thread.sleep(50);
    }
  }

  @Test
  void recordsComeBackNewestFirstInPages() throws Exception {
    for (int i = 0; i < 25; i++) {
      record("pages.test", "/p" + i, 200);
      Thread.sleep(2);
    }
    record("elsewhere.test", "/", 200);
    waitForRecords("pages.test", 25);
    var seen = new HashSet<Object>();
    var first = admin("/api/v1/access?host=pages.test&limit=10");
    assertEquals(200, first.status(), first.body());
    var page = records(first);
    assertEquals(10, page.size());
    assertEquals("/p24", page.getFirst().get("path"));
    assertEquals("pages.test", page.getFirst().get("host"));
    assertEquals(200L, page.getFirst().get("status"));
    assertEquals(100L, page.getFirst().get("bytes_out"));
    assertEquals(250L, page.getFirst().get("duration_us"));
    assertEquals("127.0.0.1:9000", page.getFirst().get("upstream"));
    assertEquals("10.1.2.3", page.getFirst().get("client"));
    assertEquals("req-/p24", page.getFirst().get("request_id"));
    page.forEach(r -> seen.add(r.get("id")));
    String next = (String) first.object().get("next");
    var second = admin("/api/v1/access?host=pages.test&limit=10&before=" + next);
    records(second).forEach(r -> seen.add(r.get("id")));
    var third =
        admin("/api/v1/access?host=PAGES.test&limit=10&before=" + second.object().get("next"));
    assertEquals(5, records(third).size());
    assertEquals("/p0", records(third).getLast().get("path"));
    assertNull(third.object().get("next"));
    records(third).forEach(r -> seen.add(r.get("id")));
    assertEquals(25, seen.size());
    assertTrue(records(admin("/api/v1/access")).size() >= 26);
    var metrics = berth.send("GET", "/metrics", null, TestPlatform.ADMIN_TOKEN).body();
    assertTrue(metrics.contains("berth_proxy_access_records_total{result=\"written\"}"), metrics);
    assertTrue(metrics.contains("berth_proxy_access_queue_depth"), metrics);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "limit=0",
        "limit=-1",
        "limit=abc",
        "limit=501",
        "limit=1e3",
        "limit=99999999999999999999",
        "before=x",
        "before=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00",
        "before=0123456789abcdefghjkmnpqrstv0",
        "before=ABCDEFGHJKMNPQRSTVWXYZ0123",
        "host=a%00b",
        "host=a%20b",
        "host=%0d%0aX-Evil:1"
      })
  void refusesBadQueries(String query) {
    assertProblem(admin("/api/v1/access?" + query), 422, "validation");
  }

  @Test
  void anOversizedHostIsRefusedAndOnlyAdminsReadRecords() {
    assertProblem(admin("/api/v1/access?host=" + "a".repeat(300)), 422, "validation");
    assertEquals(403, berth.send("GET", "/api/v1/access", null, viewer).status());
    assertEquals(401, berth.send("GET", "/api/v1/access", null, (String) null).status());
  }

  @Test
  void trafficCountsAnAppsRequestsPerMinute() throws Exception {
    var created =
        berth.send("POST", "/api/v1/apps", "{\"name\":\"busy\"}", TestPlatform.ADMIN_TOKEN);
    assertEquals(201, created.status(), created.body());
    record("busy.localhost", "/a", 200);
    record("busy.localhost", "/b", 404);
    record("busy.localhost", "/c", 503);
    record("other.localhost", "/", 200);
    waitForRecords("busy.localhost", 3);
    var reply = berth.send("GET", "/api/v1/apps/busy/traffic?minutes=5", null, viewer);
    assertEquals(200, reply.status(), reply.body());
    var body = reply.object();
    assertEquals("busy", body.get("app"));
    assertEquals("busy.localhost", body.get("host"));
    assertEquals(5L, body.get("minutes"));
    @SuppressWarnings("unchecked")
    var buckets = (List<Map<String, Object>>) body.get("buckets");
    assertEquals(5, buckets.size());
    long total = 0;
    long errors = 0;
    for (var bucket : buckets) {
      total += (Long) bucket.get("requests");
      @SuppressWarnings("unchecked")
      var statuses = (Map<String, Object>) bucket.get("statuses");
      errors += (Long) statuses.get("5xx");
    }
    assertEquals(3, total);
    assertEquals(1, errors);
    var fallback = berth.send("GET", "/api/v1/apps/busy/traffic", null, viewer).object();
    assertEquals(60L, fallback.get("minutes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"minutes=0", "minutes=1441", "minutes=abc", "minutes=-5", "minutes=%00"})
  void refusesBadTrafficWindows(String query) {
    berth.send("POST", "/api/v1/apps", "{\"name\":\"window\"}", TestPlatform.ADMIN_TOKEN);
    assertProblem(
        berth.send("GET", "/api/v1/apps/window/traffic?" + query, null, viewer), 422, "validation");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "..%2f..", "%00", "a%20b", "UPPER"})
  void unknownAppsHaveNoTraffic(String app) {
    var reply = berth.send("GET", "/api/v1/apps/" + app + "/traffic", null, viewer);
    assertTrue(reply.status() == 404, reply.status() + " " + reply.body());
    assertTrue(reply.body().contains("urn:berth:problem:"), reply.body());
    assertTrue(!reply.body().contains("Exception"), reply.body());
  }

  /** Every request through the proxy leaves one record. */
  @Test
  void everyRequestThroughTheProxyIsRecorded() throws Exception {
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int n = 40;
    for (int i = 0; i < n; i++) {
      var request =
          HttpRequest.newBuilder(URI.create(berth.proxyUrl() + "/n" + i))
              .header("Host", "unrouted.example")
              .build();
      assertEquals(404, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    waitForRecords("unrouted.example", n);
    var page = records(admin("/api/v1/access?host=unrouted.example&limit=500"));
    assertEquals(n, page.size());
    assertEquals(404L, page.getFirst().get("status"));
    assertNull(page.getFirst().get("upstream"));
  }

  /**
   * A browser sends the port in Host (hello.localhost:8080) and any case; an app is also reached at
   * its custom domains. All of it is the app's traffic, recorded under the bare host name.
   */
  @Test
  void anAppsTrafficCountsEveryHostItAnswersAt() throws Exception {
    var created =
        berth.send("POST", "/api/v1/apps", "{\"name\":\"ported\"}", TestPlatform.ADMIN_TOKEN);
    assertEquals(201, created.status(), created.body());
    var domain =
        berth.send(
            "POST",
            "/api/v1/apps/ported/domains",
            "{\"host\":\"www.ported.test\"}",
            TestPlatform.ADMIN_TOKEN);
    assertEquals(201, domain.status(), domain.body());
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (String host : List.of("ported.localhost:8080", "PORTED.localhost", "www.ported.test:80")) {
      var request =
          HttpRequest.newBuilder(URI.create(berth.proxyUrl() + "/")).header("Host", host).build();
      // No live instances: 503 from the proxy, a request of the app all the same.
      assertEquals(503, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    waitForRecords("ported.localhost", 2);
    waitForRecords("www.ported.test", 1);
    var reply = berth.send("GET", "/api/v1/apps/ported/traffic?minutes=5", null, viewer).object();
    assertEquals(List.of("ported.localhost", "www.ported.test"), reply.get("hosts"));
    long total = 0;
    for (var bucket : (List<?>) reply.get("buckets")) {
      total += (Long) ((Map<?, ?>) bucket).get("requests");
    }
    assertEquals(3, total);
    assertEquals(
        2,
        records(admin("/api/v1/access?host=Ported.localhost:8080&limit=10")).size(),
        "the filter takes a Host header's form too");
  }
}
