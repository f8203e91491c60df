package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiClientTest {
  private static CliError failure(int status, String body) {
    return ApiClient.failure(status, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aProblemBecomesOneLineFromItsDetailElseItsTitle() {
    var withDetail =
        failure(
            409,
            "{\"type\":\"urn:berth:problem:app-exists\",\"title\":\"App exists\",\"status\":409,"
                + "\"detail\":\"an app named hello already exists\",\"request_id\":\"r1\"}");
    assertEquals("berth: an app named hello already exists", withDetail.line());
    assertEquals(1, withDetail.exitCode());
    var titleOnly =
        failure(404, "{\"type\":\"urn:berth:problem:not-found\",\"title\":\"Not found\"}");
    assertEquals("berth: Not found", titleOnly.line());
  }

  @Test
  void answersThatAreNotProblemsStillGiveALine() {
    assertEquals(
        "berth: the server answered HTTP 502", failure(502, "<html>Bad gateway</html>").line());
    assertEquals("berth: the server answered HTTP 500", failure(500, "").line());
    assertEquals("berth: the server answered HTTP 500", failure(500, "[1,2]").line());
    assertEquals("berth: the server answered HTTP 400", failure(400, "{\"detail\":42}").line());
  }

  @Test
  void rejectedTokensMeanNotSignedIn() {
    var noDetail = failure(401, "{}");
    assertEquals(3, noDetail.exitCode());
    assertEquals("berth: not signed in; run 'berth login'", noDetail.line());
    var expired =
        failure(401, "{\"title\":\"Authentication required\",\"detail\":\"token revoked\"}");
    assertEquals("berth: token revoked; run 'berth login'", expired.line());
    var forbidden = failure(403, "{\"title\":\"Not allowed\",\"detail\":\"admins only\"}");
    assertEquals(3, forbidden.exitCode());
    assertEquals("berth: admins only", forbidden.line());
  }

  @Test
  void aHostileDetailStaysOneHarmlessLine() {
    var e = failure(400, "{\"detail\":\"bad\\nberth: fake second line\\u001b[2J\\u0007\"}");
    assertEquals("berth: bad berth: fake second line[2J", e.line());
    var huge = failure(400, "{\"detail\":\"" + "x".repeat(10_000) + "\"}");
    assertEquals("berth: ".length() + Text.MAX_LINE + 1, huge.line().length());
  }

  @Test
  void pathSegmentsCannotEscapeTheirPlace() {
    assertEquals("hello", ApiClient.segment("hello"));
    assertEquals("%2E%2E%2Fadmin", ApiClient.segment("../admin"));
    assertEquals("a%3Fb%23c%20d", ApiClient.segment("a?b#c d"));
    assertEquals("%C3%A9", ApiClient.segment("é"));
  }

  @Test
  void aClosedPortIsOneLineAndExitOne() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    try (var api = new ApiClient(url, Optional.of("t"))) {
      var e = assertThrows(CliException.class, () -> api.get("/api/v1/apps"));
      assertEquals(1, e.error().exitCode());
      assertEquals("berth: cannot reach " + url + ": connection refused", e.error().line());
    }
  }
}
