package dev.berth.cli;

import static dev.berth.cli.FakeConsole.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The commands end to end against {@link FakeConsole}: request shapes, output, exit codes. */
class CommandsTest {
  @TempDir Path config;
  final Map<String, String> env = new HashMap<>();
  final Deque<String> typed = new ArrayDeque<>();
  boolean interactive;
  byte[] stdin = new byte[0];
  String out;
  String err;

  @Command(name = "berth")
  static final class Root {}

  int berth(String... args) {
    env.putIfAbsent("XDG_CONFIG_HOME", config.toString());
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    var terminal =
        new Terminal() {
          @Override
          public boolean interactive() {
            return interactive;
          }

          @Override
          public Optional<String> readLine(String prompt) {
            return Optional.ofNullable(typed.poll());
          }

          @Override
          public Optional<char[]> readPassword(String prompt) {
            return Optional.ofNullable(typed.poll()).map(String::toCharArray);
          }

          @Override
          public InputStream stdin() {
            return new ByteArrayInputStream(stdin);
          }
        };
    var cli = new CommandLine(new Root());
    var ctx =
        new Context(
            name -> Optional.ofNullable(env.get(name)),
            terminal,
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    Cli.register(cli, ctx);
    cli.setErr(new java.io.PrintWriter(ctx.err(), true));
    int code = cli.execute(args);
    out = outBytes.toString(StandardCharsets.UTF_8);
    err = errBytes.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void loginTradesThePasswordForANamedTokenAndClosesTheSession() throws Exception {
    var answers =
        Map.of(
            "POST /api/v1/auth/login",
            new FakeConsole.Canned(
                200,
                Map.of("Set-Cookie", "berth_session=s3ss; Path=/; HttpOnly; SameSite=Strict"),
                Json.write(Map.of("user", Map.of("email", "a@b.c"), "csrf_token", "csrf-1"))),
            "POST /api/v1/tokens",
            json(
                201,
                Map.of(
                    "id",
                    "tok_9",
                    "name",
                    "cli on box",
                    "prefix",
                    "berth_ab",
                    "token",
                    "berth_abSECRET")),
            "POST /api/v1/auth/logout",
            new FakeConsole.Canned(204, Map.of(), ""));
    try (var fake = new FakeConsole(answers)) {
      env.put("HOSTNAME", "box");
      stdin = "pass word\nignored\n".getBytes(StandardCharsets.UTF_8);
      int code = berth("login", "--url", fake.url() + "/", "--email", "a@b.c", "--password-stdin");
      assertEquals(0, code, err);
      var login = fake.seen.get(0);
      assertEquals(Map.of("email", "a@b.c", "password", "pass word"), Json.parse(login.body()));
      var token = fake.seen.get(1);
      assertEquals("/api/v1/tokens", token.path());
      assertEquals(Map.of("name", "cli on box"), Json.parse(token.body()));
      assertEquals("berth_session=s3ss", token.header("Cookie"));
      assertEquals("csrf-1", token.header("X-csrf-token"));
      var logout = fake.seen.get(2);
      assertEquals("/api/v1/auth/logout", logout.path());
      assertEquals("csrf-1", logout.header("X-csrf-token"));
      assertEquals(
          Map.of("url", fake.url(), "token", "berth_abSECRET", "token_id", "tok_9"),
          Json.parse(Files.readString(config.resolve("berth/cli.json"))));
      assertTrue(!out.contains("SECRET"), out);
    }
  }

  @Test
  void wrongPasswordIsExitThreeAndSavesNothing() throws Exception {
    var answers =
        Map.of(
            "POST /api/v1/auth/login",
            json(
                401,
                Map.of("title", "Authentication required", "detail", "wrong email or password")));
    try (var fake = new FakeConsole(answers)) {
      stdin = "nope\n".getBytes(StandardCharsets.UTF_8);
      assertEquals(3, berth("login", "--url", fake.url(), "--email", "a@b.c", "--password-stdin"));
      assertEquals("berth: wrong email or password; run 'berth login'\n", err);
      assertTrue(Files.notExists(config.resolve("berth/cli.json")));
    }
  }

  @Test
  void loginWithoutATerminalNeedsItsInputsGiven() {
    assertEquals(2, berth("login", "--url", "http://127.0.0.1:9"));
    assertEquals("berth: no terminal to ask for the email; pass --email\n", err);
    assertEquals(2, berth("login", "--url", "http://127.0.0.1:9", "--email", "a@b.c"));
    assertEquals("berth: no terminal to ask for the password; use --password-stdin\n", err);
  }

  @Test
  void aGivenTokenIsCheckedThenSavedAndLogoutRevokesOnlyWhatLoginMade() throws Exception {
    var answers =
        Map.of(
            "GET /api/v1/apps",
            json(200, Map.of("apps", List.of())),
            "DELETE /api/v1/tokens/tok_1",
            new FakeConsole.Canned(204, Map.of(), ""));
    try (var fake = new FakeConsole(answers)) {
      assertEquals(0, berth("login", "--url", fake.url(), "--token", "given"), err);
      assertEquals("Bearer given", fake.seen.getFirst().header("Authorization"));
      assertEquals(0, berth("logout"));
      assertEquals(1, fake.seen.size(), "no id, so nothing to revoke");
      assertEquals("Signed out of " + fake.url() + "\n", out);
      Files.writeString(
          config.resolve("berth/cli.json"),
          Json.write(Map.of("url", fake.url(), "token", "t", "token_id", "tok_1")));
      assertEquals(0, berth("logout"));
      assertEquals("DELETE", fake.seen.getLast().method());
      assertEquals(0, berth("logout"));
      assertEquals("Not signed in.\n", out);
    }
  }

  @Test
  void appsListIsATableOrTheArray() throws Exception {
    var apps =
        List.of(
            Map.of(
                "name",
                "hello",
                "url",
                "http://hello.localhost:8080",
                "env_count",
                2,
                "created_at",
                "2025-03-01T10:00:00Z"),
            Map.of(
                "name",
                "api",
                "url",
                "http://api.localhost:8080",
                "env_count",
                0,
                "created_at",
                "2025-03-02T11:30:00Z"));
    try (var fake = new FakeConsole(Map.of("GET /api/v1/apps", json(200, Map.of("apps", apps))))) {
      env.put("BERTH_URL", fake.url());
      env.put("BERTH_TOKEN", "tkn");
      assertEquals(0, berth("apps", "list"));
      assertEquals(
          "NAME    URL                           ENV   CREATED\n"
              + "hello   http://hello.localhost:8080   2     2025-03-01 10:00 UTC\n"
              + "api     http://api.localhost:8080     0     2025-03-02 11:30 UTC\n",
          out);
      assertEquals(0, berth("apps", "list", "--json"));
      assertEquals(2, ((List<?>) Json.parse(out)).size());
    }
  }

  @Test
  void envSetMergesFileArgumentsAndStdinIntoOnePut() throws Exception {
    try (var fake =
        new FakeConsole(
            Map.of("PUT /api/v1/apps/hello/env", new FakeConsole.Canned(204, Map.of(), "")))) {
      env.put("BERTH_URL", fake.url());
      env.put("BERTH_TOKEN", "tkn");
      Path dotenv = config.resolve(".env");
      Files.writeString(dotenv, "export A=from-file\nB=\"x\\ny\"\n");
      stdin = "C=from-stdin\n".getBytes(StandardCharsets.UTF_8);
      assertEquals(
          0, berth("env", "set", "hello", "--file", dotenv.toString(), "A=override", "-"), err);
      assertEquals(
          Map.of("A", "override", "B", "x\ny", "C", "from-stdin"),
          Json.parse(fake.seen.getFirst().body()));
      assertEquals("Set A, B, C on hello\n", out);
      assertEquals(0, berth("env", "unset", "hello", "A", "B"));
      assertEquals("{\"A\":null,\"B\":null}", fake.seen.getLast().body());
    }
  }

  @Test
  void badInputIsUsageAndSendsNothing() throws Exception {
    try (var fake = new FakeConsole(Map.of())) {
      env.put("BERTH_URL", fake.url());
      env.put("BERTH_TOKEN", "tkn");
      assertEquals(2, berth("env", "set", "hello", "NOEQUALS"));
      assertEquals(2, berth("env", "set", "hello"));
      assertEquals(2, berth("env", "unset", "hello", "BAD-KEY"));
      assertEquals(2, berth("env", "set", "hello", "--file", "/no/such/.env"));
      assertEquals(2, berth("apps", "delete", "hello"));
      assertEquals("berth: refusing to delete 'hello' without --yes (no terminal to ask)\n", err);
      assertEquals(2, berth("apps", "create"));
      assertEquals(List.of(), fake.seen);
    }
  }

  @Test
  void deleteOnATerminalNeedsTheNameTyped() throws Exception {
    try (var fake =
        new FakeConsole(
            Map.of("DELETE /api/v1/apps/hello", new FakeConsole.Canned(204, Map.of(), "")))) {
      env.put("BERTH_URL", fake.url());
      env.put("BERTH_TOKEN", "tkn");
      interactive = true;
      typed.add("hellp");
      assertEquals(1, berth("apps", "delete", "hello"));
      assertEquals(List.of(), fake.seen);
      typed.add("hello");
      assertEquals(0, berth("apps", "delete", "hello"));
      assertEquals("Deleted hello\n", out);
    }
  }

  @Test
  void serverProblemsAreOneLineAndExitOne() throws Exception {
    var problem =
        json(
            409,
            Map.of(
                "type", "urn:berth:problem:conflict",
                "title", "Conflict",
                "status", 409,
                "detail", "an app named hello already exists",
                "request_id", "r1"));
    try (var fake = new FakeConsole(Map.of("POST /api/v1/apps", problem))) {
      env.put("BERTH_URL", fake.url());
      env.put("BERTH_TOKEN", "tkn");
      assertEquals(1, berth("apps", "create", "hello", "--description", "d"));
      assertEquals("berth: an app named hello already exists\n", err);
      assertEquals(
          Map.of("name", "hello", "description", "d"), Json.parse(fake.seen.getFirst().body()));
    }
  }

  @Test
  void versionNeverFailsWhenTheServerIsDown() throws Exception {
    env.put("BERTH_URL", "http://127.0.0.1:9");
    assertEquals(0, berth("version"));
    assertTrue(out.startsWith("berth "), out);
    assertTrue(out.contains("server at http://127.0.0.1:9: not reachable"), out);
    try (var fake =
        new FakeConsole(
            Map.of("GET /api/v1/health", json(200, Map.of("status", "ok", "version", "9.9.9"))))) {
      env.put("BERTH_URL", fake.url());
      assertEquals(0, berth("version"));
      assertTrue(out.contains("server 9.9.9 at " + fake.url()), out);
    }
  }

  @Test
  void notSignedInIsExitThreeBeforeAnyRequest() {
    env.put("BERTH_URL", "http://127.0.0.1:9");
    assertEquals(3, berth("apps", "list"));
    assertEquals("berth: not signed in; run 'berth login'\n", err);
  }
}
