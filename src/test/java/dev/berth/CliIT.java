package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands, run in-process through {@link Main#run}, against a real platform: sign-in,
 * apps, env vars, version, and the exit codes scripts rely on.
 */
class CliIT {
  static TestPlatform berth;
  @TempDir Path config;
  Map<String, String> env;
  String out;
  String err;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  @BeforeEach
  void environment() {
    env = new HashMap<>();
    env.put("XDG_CONFIG_HOME", config.toString());
    env.put("BERTH_URL", berth.url());
    env.put("BERTH_TOKEN", TestPlatform.ADMIN_TOKEN);
  }

  int cli(String... args) {
    return cliWithStdin(null, args);
  }

  int cliWithStdin(String stdin, String... args) {
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    InputStream original = System.in;
    if (stdin != null) {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      int code =
          Main.run(
              args,
              name -> Optional.ofNullable(env.get(name)),
              new PrintStream(outBytes, true, StandardCharsets.UTF_8),
              new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      out = outBytes.toString(StandardCharsets.UTF_8);
      err = errBytes.toString(StandardCharsets.UTF_8);
      return code;
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void loginWithPasswordSavesANamedTokenThatWorks() throws Exception {
    env.remove("BERTH_TOKEN");
    env.put("HOSTNAME", "ci-box");
    int code =
        cliWithStdin(
            TestPlatform.ADMIN_PASSWORD + "\n",
            "login",
            "--email",
            TestPlatform.ADMIN_EMAIL,
            "--password-stdin");
    assertEquals(0, code, err);
    Path file = config.resolve("berth/cli.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    var saved = (Map<?, ?>) Json.parse(Files.readString(file));
    assertEquals(berth.url(), saved.get("url"));
    String token = (String) saved.get("token");
    assertEquals(200, berth.send("GET", "/api/v1/apps", null, token).status());
    var tokens = berth.get("/api/v1/tokens").body();
    assertTrue(tokens.contains("cli on ci-box"), tokens);

    env.remove("BERTH_URL");
    assertEquals(0, cli("apps", "list"), err);
    assertEquals(0, cli("logout"));
    assertFalse(Files.exists(file));
    assertEquals(401, berth.send("GET", "/api/v1/apps", null, token).status(), "revoked");
    assertEquals(3, cli("apps", "list"));
    assertEquals("berth: not signed in; run 'berth login'\n", err);
  }

  @Test
  void aWrongPasswordIsExitThree() {
    env.remove("BERTH_TOKEN");
    assertEquals(
        3,
        cliWithStdin("wrong\n", "login", "--email", TestPlatform.ADMIN_EMAIL, "--password-stdin"));
    assertEquals(1, err.lines().count(), err);
    assertFalse(Files.exists(config.resolve("berth/cli.json")));
  }

  @Test
  void loginWithATokenChecksIt() {
    env.remove("BERTH_TOKEN");
    assertEquals(3, cli("login", "--token", "berth_not_a_real_token"));
    assertEquals(1, err.lines().count(), err);
    assertEquals(0, cli("login", "--token", TestPlatform.ADMIN_TOKEN), err);
    assertEquals(0, cli("apps", "list"));
  }

  @Test
  void appsLifecycle() {
    assertEquals(0, cli("apps", "create", "cli-hello", "--description", "from the CLI"), err);
    assertEquals(0, cli("apps", "list"));
    assertTrue(out.startsWith("NAME"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("cli-hello ")), out);
    assertEquals(0, cli("apps", "list", "--json"));
    var apps = (List<?>) Json.parse(out);
    assertTrue(apps.stream().anyMatch(a -> "cli-hello".equals(((Map<?, ?>) a).get("name"))));
    assertEquals(0, cli("apps", "show", "cli-hello", "--json"));
    assertEquals("from the CLI", ((Map<?, ?>) Json.parse(out)).get("description"));

    assertEquals(1, cli("apps", "create", "cli-hello"));
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("berth: "), err);
    assertEquals(1, cli("apps", "create", "Not_A_Label"));
    assertEquals(1, err.lines().count(), err);

    assertEquals(2, cli("apps", "delete", "cli-hello"));
    assertEquals(200, berth.get("/api/v1/apps/cli-hello").status(), "still there");
    assertEquals(0, cli("apps", "delete", "cli-hello", "--yes"), err);
    assertEquals(404, berth.get("/api/v1/apps/cli-hello").status());
    assertEquals(1, cli("apps", "show", "cli-hello"));
    assertEquals(1, cli("apps", "show", "../health"));
  }

  @Test
  void envVarsFromArgumentsFilesAndStdin() throws Exception {
    assertEquals(0, cli("apps", "create", "cli-env"), err);
    Path dotenv = config.resolve(".env");
    Files.writeString(
        dotenv, "# db\nexport DATABASE_URL='postgres://u:p@h/db'\nGREETING=\"hi\\nthere\"\n");
    assertEquals(0, cli("env", "set", "cli-env", "--file", dotenv.toString(), "PORT=8080"), err);
    assertEquals(0, cliWithStdin("FROM_STDIN=yes\n", "env", "set", "cli-env", "-"), err);
    assertEquals(0, cli("env", "list", "cli-env", "--reveal", "--json"));
    var values = new HashMap<String, Object>();
    for (var item : (List<?>) Json.parse(out)) {
      var entry = (Map<?, ?>) item;
      values.put((String) entry.get("key"), entry.get("value"));
    }
    assertEquals("postgres://u:p@h/db", values.get("DATABASE_URL"));
    assertEquals("hi\nthere", values.get("GREETING"));
    assertEquals("8080", values.get("PORT"));
    assertEquals("yes", values.get("FROM_STDIN"));

    assertEquals(0, cli("env", "list", "cli-env"));
    assertFalse(out.contains("postgres://u:p@h/db"), "masked without --reveal: " + out);

    assertEquals(0, cli("env", "unset", "cli-env", "PORT", "GREETING"), err);
    assertEquals(0, cli("env", "list", "cli-env", "--json"));
    assertFalse(out.contains("\"PORT\""), out);
    assertEquals(1, cli("env", "list", "no-such-app"));
    assertEquals(1, err.lines().count(), err);
  }

  @Test
  void versionShowsTheServersVersion() {
    assertEquals(0, cli("version"));
    assertTrue(out.lines().anyMatch(l -> l.startsWith("server ")), out);
  }

  @Test
  void aServerThatIsDownIsExitOneAndOneLine() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    env.put("BERTH_URL", "http://127.0.0.1:" + port);
    assertEquals(1, cli("apps", "list"));
    assertEquals("berth: cannot reach http://127.0.0.1:" + port + ": connection refused\n", err);
    assertEquals(0, cli("version"));
  }
}
