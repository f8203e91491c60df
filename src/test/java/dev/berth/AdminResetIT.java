package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-start bootstrap and the offline {@code berth admin reset-password}. */
class AdminResetIT {
  @TempDir Path temp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            name -> Optional.empty(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Outcome reset(TestPlatform berth, String... extra) {
    var args =
        new ArrayList<>(
            List.of("admin", "reset-password", "--data-dir", berth.dataDir().toString()));
    berth.databaseUrl().ifPresent(url -> args.addAll(List.of("--database-url", url)));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void aGeneratedPasswordIsShownOnceAndSignsIn() {
    try (var berth =
        TestPlatform.start(Map.of("BERTH_ADMIN_PASSWORD", "", "BERTH_ADMIN_TOKEN", ""))) {
      String password = berth.platform().firstStartPassword().orElseThrow();
      assertTrue(password.length() >= 20);
      assertEquals(
          200,
          AuthSessionIT.login(berth, TestPlatform.ADMIN_EMAIL, password, "192.0.2.1").status());
      long tokens =
          berth.platform().database().read(tx -> tx.count("SELECT count(*) FROM api_tokens"));
      assertEquals(0L, tokens, "no token without BERTH_ADMIN_TOKEN");
      berth.restart();
      assertTrue(berth.platform().firstStartPassword().isEmpty(), "shown only on the first start");
    }
  }

  @Test
  void aShortBootstrapTokenStopsTheFirstStartWithOneLine() {
    Path dir = temp.resolve("short-token");
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"serve", "--data-dir", dir.toString(), "--console-addr", "127.0.0.1:0"},
            name -> Optional.ofNullable(Map.of("BERTH_ADMIN_TOKEN", "too-short").get(name)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String message = err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(2, code, message);
    assertFalse(message.contains("\n"), message);
    assertTrue(message.contains("BERTH_ADMIN_TOKEN must be 16"), message);
  }

  @Test
  void resetIsRefusedWhileRunningAndWorksOffline() throws Exception {
    try (var berth = TestPlatform.start()) {
      var browser =
          AuthSessionIT.signIn(berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);

      var busy = reset(berth, "--email", TestPlatform.ADMIN_EMAIL);
      assertEquals(2, busy.code(), busy.err());
      assertTrue(busy.err().strip().contains("is in use by another Berth process"), busy.err());
      assertFalse(busy.err().strip().contains("\n"));

      berth.platform().stop();
      var unknown = reset(berth, "--email", "nobody@example.com");
      assertEquals(1, unknown.code());
      assertEquals("berth: no user with email nobody@example.com", unknown.err().strip());

      var done = reset(berth, "--email", "ADMIN@example.com");
      assertEquals(0, done.code(), done.err());
      String line =
          done.out().lines().filter(l -> l.startsWith("New password: ")).findFirst().orElseThrow();
      String generated = line.substring("New password: ".length());

      InputStream stdin = System.in;
      try {
        System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
        var weak = reset(berth, "--email", TestPlatform.ADMIN_EMAIL, "--password-stdin");
        assertEquals(2, weak.code());
        assertTrue(weak.err().contains("at least 10"), weak.err());
      } finally {
        System.setIn(stdin);
      }

      berth.restart();
      assertEquals(
          401,
          berth.send("GET", "/api/v1/auth/session", null, browser.headers(false)).status(),
          "sessions ended");
      assertEquals(
          401,
          AuthSessionIT.login(
                  berth, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD, "192.0.2.2")
              .status());
      assertEquals(
          200,
          AuthSessionIT.login(berth, TestPlatform.ADMIN_EMAIL, generated, "192.0.2.2").status());
      String audit = berth.get("/api/v1/audit?action=auth.password").body();
      assertTrue(audit.contains("\"actor\":\"system (offline reset)\""), audit);

      berth.platform().stop();
      try {
        System.setIn(
            new ByteArrayInputStream("chosen on stdin 1\n".getBytes(StandardCharsets.UTF_8)));
        var chosen = reset(berth, "--email", TestPlatform.ADMIN_EMAIL, "--password-stdin");
        assertEquals(0, chosen.code(), chosen.err());
        assertFalse(chosen.out().contains("chosen on stdin"), "a given password is not echoed");
      } finally {
        System.setIn(stdin);
      }
      berth.restart();
      assertEquals(
          200,
          AuthSessionIT.login(berth, TestPlatform.ADMIN_EMAIL, "chosen on stdin 1", "192.0.2.3")
              .status());
    }
  }

  @Test
  void resetNeedsAnExistingDataDirAndAnEmail() {
    var missing =
        run(
            "admin",
            "reset-password",
            "--data-dir",
            temp.resolve("none").toString(),
            "--email",
            "a@b.c");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no Berth data dir"), missing.err());
    assertFalse(temp.resolve("none").toFile().exists());
    var noEmail = run("admin", "reset-password", "--data-dir", temp.toString());
    assertEquals(2, noEmail.code());
    assertTrue(noEmail.err().contains("--email"), noEmail.err());
  }
}
