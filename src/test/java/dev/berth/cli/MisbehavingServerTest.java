package dev.berth.cli;

import static dev.berth.cli.MisbehavingServerFake.json;
import static dev.berth.cli.MisbehavingServerFake.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.cli.MisbehavingServerFake.Answer;
import dev.berth.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a server that misbehaves in ways the real one cannot be made to: whatever it
 * sends, the user gets one harmless stderr line and the exit code scripts expect. The real server's
 * answers are covered by {@code CliIT} and {@code CliLoginIT}.
 */
class MisbehavingServerTest {
  /** Cursor moves, a bell, a fake second line and a right-to-left override. */
  static final String HOSTILE = "bad\\nberth: fake second line\\u001b[2J\\u0007\\u202eevil";

  static final String HARMLESS = "bad berth: fake second line[2Jevil";

  @TempDir Path config;
  CliHarness cli;
  MisbehavingServerFake fake;

  @BeforeEach
  void harness() {
    cli = new CliHarness(config);
    cli.env.put("BERTH_TOKEN", "tkn");
  }

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  void serve(Map<String, Answer> answers) throws Exception {
    fake = new MisbehavingServerFake(answers);
    cli.env.put("BERTH_URL", fake.url());
  }

  @Test
  void aProblemDetailCannotDrawOnTheTerminal() throws Exception {
    var answers =
        Map.<String, Answer>of(
            "POST /api/v1/apps",
            json(409, "{\"title\":\"Conflict\",\"detail\":\"" + HOSTILE + "\"}"),
            "GET /api/v1/apps",
            json(401, "{\"title\":\"Authentication required\",\"detail\":\"" + HOSTILE + "\"}"),
            "DELETE /api/v1/apps/x",
            json(403, "{\"title\":\"" + HOSTILE + "\"}"));
    serve(answers);
    assertEquals(1, cli.berth("apps", "create", "x"));
    assertEquals("berth: " + HARMLESS + "\n", cli.err);
    assertEquals(3, cli.berth("apps", "list"));
    assertEquals("berth: " + HARMLESS + "; run 'berth login'\n", cli.err);
    assertEquals(3, cli.berth("apps", "delete", "x", "--yes"));
    assertEquals("berth: " + HARMLESS + "\n", cli.err);
  }

  @Test
  void aTenKilobyteDetailIsCutToOneLine() throws Exception {
    String huge = "x".repeat(10_000);
    serve(Map.of("GET /api/v1/apps", json(400, "{\"detail\":\"" + huge + "\"}")));
    assertEquals(1, cli.berth("apps", "list"));
    assertEquals("berth: " + "x".repeat(Text.MAX_LINE) + "…\n", cli.err);
  }

  @Test
  void errorBodiesThatAreNotProblemsStillGiveTheStatus() throws Exception {
    var answers =
        Map.<String, Answer>of(
            "GET /api/v1/apps",
            raw(502, "text/html", "<html><body>\u001b[31mBad gateway</body></html>"),
            "GET /api/v1/apps/x",
            raw(500, "application/json", ""),
            "GET /api/v1/apps/y",
            json(500, "{\"detail\":"),
            "GET /api/v1/apps/z/env",
            json(400, "[\"not\",\"a\",\"problem\"]"));
    serve(answers);
    assertEquals(1, cli.berth("apps", "list"));
    assertEquals("berth: the server answered HTTP 502\n", cli.err);
    assertEquals(1, cli.berth("apps", "show", "x"));
    assertEquals("berth: the server answered HTTP 500\n", cli.err);
    assertEquals(1, cli.berth("apps", "show", "y"));
    assertEquals("berth: the server answered HTTP 500\n", cli.err);
    assertEquals(1, cli.berth("env", "list", "z"));
    assertEquals("berth: the server answered HTTP 400\n", cli.err);
  }

  @Test
  void aSuccessThatIsNotJsonIsAFailure() throws Exception {
    serve(Map.of("GET /api/v1/apps", raw(200, "text/html", "<html>captive portal</html>")));
    assertEquals(1, cli.berth("apps", "list"));
    assertEquals("berth: the server's answer is not JSON\n", cli.err);
    assertEquals("", cli.out);
  }

  @Test
  void hostileValuesInAnswersAreShownAsText() throws Exception {
    String app =
        "{\"name\":\"" + HOSTILE + "\",\"url\":\"http://\\u001b]8;;evil\\u0007x\",\"env_count\":1}";
    var answers =
        Map.<String, Answer>of(
            "GET /api/v1/apps",
            json(200, "{\"apps\":[" + app + "]}"),
            "GET /api/v1/apps/x",
            json(200, app),
            "GET /api/v1/health",
            json(200, "{\"status\":\"ok\",\"version\":\"" + HOSTILE + "\"}"));
    serve(answers);
    var shown = new StringBuilder();
    assertEquals(0, cli.berth("apps", "list"), cli.err);
    assertEquals(2, cli.out.lines().count(), cli.out);
    assertTrue(cli.out.contains(HARMLESS), cli.out);
    shown.append(cli.out);
    assertEquals(0, cli.berth("apps", "show", "x"), cli.err);
    assertTrue(cli.out.lines().anyMatch(l -> l.matches("name: +\\Q" + HARMLESS + "\\E")), cli.out);
    shown.append(cli.out);
    assertEquals(0, cli.berth("version"), cli.err);
    assertTrue(cli.out.contains("server " + HARMLESS + " at "), cli.out);
    shown.append(cli.out);
    assertFalse(
        shown.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), shown::toString);
  }

  @Test
  void aServerThatNeverAnswersIsExitOneAfterTheTimeout() throws Exception {
    cli.timeout = Duration.ofMillis(300);
    serve(Map.of("GET /api/v1/apps", new MisbehavingServerFake.Hang()));
    long start = System.nanoTime();
    assertEquals(1, cli.berth("apps", "list"));
    assertEquals("berth: cannot reach " + fake.url() + ": no answer within 300 ms\n", cli.err);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "not stuck");
  }

  @Test
  void aSignInAnswerWithoutASessionSavesNothing() throws Exception {
    cli.env.remove("BERTH_TOKEN");
    cli.terminal = FakeTerminal.none("pw\n");
    serve(Map.of("POST /api/v1/auth/login", json(200, "{\"csrf_token\":\"c\"}")));
    assertEquals(1, cli.berth("login", "--email", "a@b.c", "--password-stdin"));
    assertEquals("berth: the sign-in answer has no session cookie\n", cli.err);
    assertFalse(Files.exists(config.resolve("berth/cli.json")));
  }

  @Test
  void aTokenAnswerWithoutTheSecretSavesNothing() throws Exception {
    cli.env.remove("BERTH_TOKEN");
    cli.terminal = FakeTerminal.none("pw\n");
    var login =
        new MisbehavingServerFake.Canned(
            200,
            Map.of("Set-Cookie", "berth_session=s; Path=/; HttpOnly"),
            Json.write(Map.of("csrf_token", "c")));
    var answers =
        Map.<String, Answer>of(
            "POST /api/v1/auth/login",
            login,
            "POST /api/v1/tokens",
            json(201, "{\"id\":\"tok_1\",\"name\":\"cli\"}"));
    serve(answers);
    assertEquals(1, cli.berth("login", "--email", "a@b.c", "--password-stdin"));
    assertEquals("berth: the new token is missing from the server's answer\n", cli.err);
    assertFalse(Files.exists(config.resolve("berth/cli.json")));
  }
}
