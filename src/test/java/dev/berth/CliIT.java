package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apps, env and version commands, run in-process through {@link Main#run}, against a real
 * platform: what they print, what they change on the server, and the exit codes scripts rely on.
 * Sign-in is {@link CliLoginIT}.
 */
class CliIT {
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
  void signedInAsAdmin() {
    run = new CliRun(berth, config);
  }

  @Test
  void appsListIsATableOrTheApisArray() {
    createApp("cli-list-a");
    createApp("cli-list-b");
    var put =
        berth.send("PUT", "/api/v1/apps/cli-list-a/env", "{\"A\":\"1\",\"B\":\"2\"}", token());
    assertEquals(200, put.status(), put.body());

    assertEquals(0, run.cli("apps", "list"), run.err);
    var lines = run.out.lines().toList();
    assertTrue(lines.getFirst().matches("NAME +URL +ENV +CREATED"), lines.getFirst());
    String when = " +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("cli-list-a +http\\S*cli-list-a\\S* +2" + when)),
        run.out);
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("cli-list-b +http\\S*cli-list-b\\S* +0" + when)),
        run.out);

    assertEquals(0, run.cli("apps", "list", "--json"), run.err);
    assertEquals(berth.get("/api/v1/apps").object().get("apps"), Json.parse(run.out));
  }

  @Test
  void appsLifecycle() {
    assertEquals(0, run.cli("apps", "create", "cli-hello", "--description", "from the CLI"));
    assertTrue(run.out.startsWith("Created cli-hello\n"), run.out);
    assertEquals(0, run.cli("apps", "show", "cli-hello", "--json"));
    assertEquals("from the CLI", ((Map<?, ?>) Json.parse(run.out)).get("description"));

    assertEquals(1, run.cli("apps", "create", "cli-hello"));
    assertEquals("berth: an app named cli-hello already exists\n", run.err);
    assertEquals(1, run.cli("apps", "create", "Not_A_Label"));
    assertEquals(1, run.err.lines().count(), run.err);
    assertEquals(404, berth.get("/api/v1/apps/Not_A_Label").status());

    assertEquals(0, run.cli("apps", "delete", "cli-hello", "--yes"), run.err);
    assertEquals("Deleted cli-hello\n", run.out);
    assertEquals(404, berth.get("/api/v1/apps/cli-hello").status());
    assertEquals(1, run.cli("apps", "show", "cli-hello"));
    assertEquals(1, run.cli("apps", "show", "../health"));
  }

  @Test
  void deleteWithoutATerminalNeedsYesAndBerthYesIsNotYes() {
    createApp("cli-keep");
    assertEquals(2, run.cli("apps", "delete", "cli-keep"));
    assertEquals(
        "berth: refusing to delete 'cli-keep' without --yes (no terminal to ask)\n", run.err);
    run.env.put("BERTH_YES", "1");
    assertEquals(2, run.cli("apps", "delete", "cli-keep"));
    assertEquals(
        "berth: refusing to delete 'cli-keep' without --yes (no terminal to ask)\n", run.err);
    assertEquals(200, berth.get("/api/v1/apps/cli-keep").status(), "still there");
  }

  @Test
  void envSetMergesFileArgumentsAndStdinIntoOneChange() throws Exception {
    createApp("cli-env");
    int updatesBefore = audit("env.update").size();
    Path dotenv = config.resolve(".env");
    Files.writeString(
        dotenv,
        "# db\nexport DATABASE_URL='postgres://u:p@h/db'\nGREETING=\"hi\\nthere\"\nPORT=1\n");
    int code =
        run.withStdin(
            "FROM_STDIN=yes\nPORT=2\n",
            "env",
            "set",
            "cli-env",
            "--file",
            dotenv.toString(),
            "PORT=8080",
            "-");
    assertEquals(0, code, run.err);
    assertEquals("Set DATABASE_URL, GREETING, PORT, FROM_STDIN on cli-env\n", run.out);
    assertEquals(
        Map.of(
            "DATABASE_URL",
            "postgres://u:p@h/db",
            "GREETING",
            "hi\nthere",
            "PORT",
            "2",
            "FROM_STDIN",
            "yes"),
        revealed("cli-env"),
        "later sources win: file, then arguments and stdin in order");
    var updates = audit("env.update");
    assertEquals(updatesBefore + 1, updates.size(), "one change on the server");

    assertEquals(0, run.cli("env", "list", "cli-env"));
    assertFalse(run.out.contains("postgres://u:p@h/db"), "masked without --reveal: " + run.out);

    assertEquals(0, run.cli("env", "unset", "cli-env", "PORT", "GREETING"), run.err);
    assertEquals(
        Map.of("DATABASE_URL", "postgres://u:p@h/db", "FROM_STDIN", "yes"), revealed("cli-env"));
    assertEquals(1, run.cli("env", "list", "no-such-app"));
    assertEquals(1, run.err.lines().count(), run.err);
  }

  @Test
  void badInputIsExitTwoAndChangesNothing() {
    createApp("cli-bad");
    assertEquals(0, run.cli("env", "set", "cli-bad", "KEEP=1"), run.err);
    var apps = berth.get("/api/v1/apps").body();
    var before = revealed("cli-bad");

    assertEquals(2, run.cli("env", "set", "cli-bad", "GOOD=1", "NOEQUALS"));
    assertEquals(1, run.err.lines().count(), run.err);
    assertEquals(2, run.cli("env", "set", "cli-bad"));
    assertEquals(2, run.cli("env", "set", "cli-bad", "GOOD=1", "--file", "/no/such/.env"));
    assertEquals(2, run.withStdin("GOOD=1\nnot a line\n", "env", "set", "cli-bad", "-"));
    assertEquals(2, run.cli("env", "unset", "cli-bad", "KEEP", "BAD-KEY"));
    assertEquals(2, run.cli("apps", "create"));
    assertEquals(2, run.cli("apps", "create", "a", "b"));
    assertEquals(2, run.cli("apps", "list", "--no-such-flag"));

    assertEquals(before, revealed("cli-bad"));
    assertEquals(apps, berth.get("/api/v1/apps").body());
  }

  @Test
  void versionShowsTheServersVersion() {
    String version = (String) berth.get("/api/v1/health").object().get("version");
    assertEquals(0, run.cli("version"));
    assertTrue(run.out.startsWith("berth "), run.out);
    assertTrue(run.out.contains("server " + version + " at " + berth.url() + "\n"), run.out);
  }

  @Test
  void aServerThatIsDownIsExitOneAndOneLine() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    run.env.put("BERTH_URL", url);
    assertEquals(1, run.cli("apps", "list"));
    assertEquals("berth: cannot reach " + url + ": connection refused\n", run.err);
    assertEquals(0, run.cli("version"), "version never fails");
    assertTrue(run.out.contains("server at " + url + ": not reachable"), run.out);
  }

  private static String token() {
    return TestPlatform.ADMIN_TOKEN;
  }

  private static void createApp(String name) {
    var reply = berth.post("/api/v1/apps", Json.write(Map.of("name", name)));
    assertEquals(201, reply.status(), reply.body());
  }

  /** The app's variables as the server holds them, read through the CLI as an admin. */
  private Map<String, Object> revealed(String app) {
    assertEquals(0, run.cli("env", "list", app, "--reveal", "--json"), run.err);
    var values = new HashMap<String, Object>();
    for (var item : (List<?>) Json.parse(run.out)) {
      var entry = (Map<?, ?>) item;
      values.put((String) entry.get("key"), entry.get("value"));
    }
    return values;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> audit(String action) {
    return (List<Map<String, Object>>)
        berth.get("/api/v1/audit?limit=500&action=" + action).object().get("entries");
  }
}
