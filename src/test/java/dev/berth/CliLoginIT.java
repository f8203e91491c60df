package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.core.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth login} and {@code berth logout} against a real platform: the named token, the file
 * it is saved in, the sign-in session closed behind it, revocation, and exit 3 for everything that
 * means "not signed in".
 */
class CliLoginIT {
  static TestPlatform berth;
  @TempDir Path config;
  CliRun run;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  @BeforeEach
  void signedOut() {
    run = new CliRun(berth, config);
    run.env.remove("BERTH_TOKEN");
  }

  @Test
  void loginTradesThePasswordForANamedTokenAndClosesTheSession() throws Exception {
    run.env.put("HOSTNAME", "ci-box");
    int logoutsBefore = audit("auth.logout").size();
    int code =
        run.withStdin(
            TestPlatform.ADMIN_PASSWORD + "\nignored\n",
            "login",
            "--email",
            TestPlatform.ADMIN_EMAIL,
            "--password-stdin");
    assertEquals(0, code, run.err);

    Path file = run.savedLogin();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    var saved = (Map<?, ?>) Json.parse(Files.readString(file));
    assertEquals(berth.url(), saved.get("url"));
    String token = (String) saved.get("token");
    assertFalse(run.out.contains(token), "the secret is never printed: " + run.out);
    assertEquals(200, berth.send("GET", "/api/v1/apps", null, token).status());

    var listed = tokenById((String) saved.get("token_id"));
    assertEquals("cli on ci-box", listed.get("name"));
    assertNull(listed.get("revoked_at"));

    var logouts = audit("auth.logout");
    assertEquals(logoutsBefore + 1, logouts.size(), "the sign-in session was closed");
    assertEquals(adminId(), logouts.getFirst().get("user_id"));
  }

  @Test
  void logoutRevokesTheTokenLoginMade() throws Exception {
    run.env.put("HOSTNAME", "ci-box");
    assertEquals(
        0,
        run.withStdin(
            TestPlatform.ADMIN_PASSWORD + "\n",
            "login",
            "--email",
            TestPlatform.ADMIN_EMAIL,
            "--password-stdin"),
        run.err);
    var saved = (Map<?, ?>) Json.parse(Files.readString(run.savedLogin()));
    String token = (String) saved.get("token");

    run.env.remove("BERTH_URL");
    assertEquals(0, run.cli("apps", "list"), "the saved login names server and token");
    assertEquals(0, run.cli("logout"), run.err);
    assertEquals("Signed out of " + berth.url() + "\n", run.out);
    assertFalse(Files.exists(run.savedLogin()));
    assertEquals(401, berth.send("GET", "/api/v1/apps", null, token).status(), "revoked");
    assertNotNull(tokenById((String) saved.get("token_id")).get("revoked_at"));

    assertEquals(3, run.cli("apps", "list"));
    assertEquals("berth: not signed in; run 'berth login'\n", run.err);
    assertEquals(0, run.cli("logout"));
    assertEquals("Not signed in.\n", run.out);
  }

  @Test
  void aWrongPasswordIsExitThreeAndSavesNothing() {
    int tokensBefore = tokens().size();
    int code =
        run.withStdin(
            "not the password\n", "login", "--email", TestPlatform.ADMIN_EMAIL, "--password-stdin");
    assertEquals(3, code);
    assertEquals("berth: wrong email or password; run 'berth login'\n", run.err);
    assertFalse(Files.exists(run.savedLogin()));
    assertEquals(tokensBefore, tokens().size(), "no token was made");
  }

  @Test
  void aGivenTokenIsCheckedThenSavedAndLogoutLeavesItValid() throws Exception {
    assertEquals(3, run.cli("login", "--token", "berth_not_a_real_token"));
    assertEquals(1, run.err.lines().count(), run.err);
    assertFalse(Files.exists(run.savedLogin()));

    String token = Users.withRole(berth, "member");
    assertEquals(0, run.cli("login", "--token", token), run.err);
    assertEquals(
        Map.of("url", berth.url(), "token", token),
        Json.parse(Files.readString(run.savedLogin())),
        "no token id: login did not make it");
    assertEquals(0, run.cli("apps", "list"), run.err);

    assertEquals(0, run.cli("logout"), run.err);
    assertFalse(Files.exists(run.savedLogin()));
    assertEquals(
        200, berth.send("GET", "/api/v1/apps", null, token).status(), "a given token is kept");
  }

  @Test
  void loginWithoutATerminalNeedsItsInputsGiven() {
    int attemptsBefore = audit("auth.login").size();
    assertEquals(2, run.cli("login"));
    assertEquals("berth: no terminal to ask for the email; pass --email\n", run.err);
    assertEquals(2, run.cli("login", "--email", TestPlatform.ADMIN_EMAIL));
    assertEquals("berth: no terminal to ask for the password; use --password-stdin\n", run.err);
    assertEquals(2, run.withStdin("", "login", "--email", "a@b.c", "--password-stdin"));
    assertEquals("berth: --password-stdin: no password on stdin\n", run.err);
    assertEquals(attemptsBefore, audit("auth.login").size(), "no sign-in was tried");
    assertFalse(Files.exists(run.savedLogin()));
  }

  @Test
  void notSignedInIsExitThreeBeforeAnyRequest() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    // A request would fail with exit 1 (connection refused); exit 3 shows none was sent.
    run.env.put("BERTH_URL", "http://127.0.0.1:" + port);
    for (var command :
        List.of(
            new String[] {"apps", "list"},
            new String[] {"apps", "create", "x"},
            new String[] {"env", "set", "x", "A=1"})) {
      assertEquals(3, run.cli(command), String.join(" ", command));
      assertEquals("berth: not signed in; run 'berth login'\n", run.err);
    }
  }

  @Test
  void aViewerIsExitThreeWithTheServersReason() {
    var created =
        berth.post(
            "/api/v1/users",
            Json.write(
                Map.of(
                    "email",
                    "viewer-cli@example.com",
                    "password",
                    "a viewer's long password",
                    "role",
                    "viewer")));
    assertEquals(201, created.status(), created.body());
    assertEquals(
        0,
        run.withStdin(
            "a viewer's long password\n",
            "login",
            "--email",
            "viewer-cli@example.com",
            "--password-stdin"),
        run.err);
    assertEquals(0, run.cli("apps", "list"), "viewers may look");

    assertEquals(3, run.cli("apps", "create", "viewer-made"));
    assertEquals("berth: this needs the member role or higher\n", run.err);
    assertEquals(404, berth.get("/api/v1/apps/viewer-made").status(), "nothing was created");
  }

  private static String adminId() {
    return berth.get("/api/v1/users").object().get("users") instanceof List<?> users
        ? users.stream()
            .map(u -> (Map<?, ?>) u)
            .filter(u -> TestPlatform.ADMIN_EMAIL.equals(u.get("email")))
            .map(u -> (String) u.get("id"))
            .findFirst()
            .orElseThrow()
        : null;
  }

  /** Newest first. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> audit(String action) {
    return (List<Map<String, Object>>)
        berth.get("/api/v1/audit?limit=500&action=" + action).object().get("entries");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> tokens() {
    return (List<Map<String, Object>>) berth.get("/api/v1/tokens").object().get("tokens");
  }

  private static Map<String, Object> tokenById(String id) {
    assertNotNull(id, "login saved the token's id");
    return tokens().stream()
        .filter(t -> id.equals(t.get("id")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("token " + id + " is not listed"));
  }
}
