package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.TestPlatform;
import dev.berth.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands ask a person at a terminal, against a real platform. Only the person is a fake
 * ({@link FakeTerminal}); a test run has no terminal.
 */
class CliPromptsIT {
  static TestPlatform berth;
  @TempDir Path config;
  CliHarness cli;

  @BeforeAll
  static void boot() {
    berth = TestPlatform.start();
  }

  @AfterAll
  static void shutdown() {
    berth.close();
  }

  @BeforeEach
  void harness() {
    cli = new CliHarness(config);
    cli.env.put("BERTH_URL", berth.url());
  }

  @Test
  void deleteOnATerminalNeedsTheNameTyped() {
    cli.env.put("BERTH_TOKEN", TestPlatform.ADMIN_TOKEN);
    var created = berth.post("/api/v1/apps", Json.write(Map.of("name", "typed")));
    assertEquals(201, created.status(), created.body());

    cli.terminal = FakeTerminal.typing("typd");
    assertEquals(1, cli.berth("apps", "delete", "typed"));
    assertEquals("berth: the name did not match; nothing was deleted\n", cli.err);
    assertEquals(200, berth.get("/api/v1/apps/typed").status(), "still there");

    var person = FakeTerminal.typing("typed");
    cli.terminal = person;
    assertEquals(0, cli.berth("apps", "delete", "typed"), cli.err);
    assertEquals("Deleted typed\n", cli.out);
    assertTrue(person.prompts.getFirst().contains("Type its name"), person.prompts.toString());
    assertEquals(404, berth.get("/api/v1/apps/typed").status());
  }

  @Test
  void loginAsksForTheEmailAndPassword() throws Exception {
    var person = FakeTerminal.typing(TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
    cli.terminal = person;
    assertEquals(0, cli.berth("login"), cli.err);
    assertEquals(List.of("Email: ", "Password: "), person.prompts);
    var saved = (Map<?, ?>) Json.parse(Files.readString(config.resolve("berth/cli.json")));
    assertEquals(
        200, berth.send("GET", "/api/v1/apps", null, (String) saved.get("token")).status());
  }
}
