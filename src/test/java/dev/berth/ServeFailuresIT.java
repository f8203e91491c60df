package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code berth serve} refuses bad starts with one line and exit code 2, creating nothing. */
class ServeFailuresIT {
  @TempDir Path temp;

  record Outcome(int code, String out, String err) {}

  static Outcome serve(Map<String, String> env, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var argv = new java.util.ArrayList<String>(java.util.List.of("serve"));
    argv.addAll(java.util.List.of(args));
    if (!argv.contains("--http-addr")) {
      argv.addAll(java.util.List.of("--http-addr", "127.0.0.1:0")); // never the machine's :8080
    }
    if (!argv.contains("--https-addr")) {
      argv.addAll(java.util.List.of("--https-addr", "127.0.0.1:0")); // nor its :8443
    }
    int code =
        Main.run(
            argv.toArray(String[]::new),
            name -> Optional.ofNullable(env.get(name)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void assertOneLine(Outcome outcome, String expected) {
    assertEquals(2, outcome.code(), outcome.err());
    String err = outcome.err().strip();
    assertFalse(err.contains("\n"), "one line, got: " + err);
    assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
  }

  @Test
  void unknownFlag() {
    assertOneLine(serve(Map.of(), "--no-such-flag"), "Unknown option: '--no-such-flag'");
  }

  @Test
  void malformedAddress() {
    assertOneLine(serve(Map.of(), "--console-addr", "localhost"), "expected HOST:PORT");
    assertOneLine(serve(Map.of(), "--console-addr", "127.0.0.1:99999"), "port must be");
    assertOneLine(serve(Map.of(), "--http-addr", "127.0.0.1:http"), "port must be a number");
  }

  @Test
  void badEnumsAndDomain() {
    assertOneLine(serve(Map.of(), "--runtime", "kubernetes"), "use auto, docker or process");
    assertOneLine(serve(Map.of(), "--profile", "huge"), "use small or throughput");
    assertOneLine(serve(Map.of(), "--domain", "bad_domain!"), "is not a domain name");
  }

  @Test
  void flagsAreReadFromTheEnvironment() {
    assertOneLine(serve(Map.of("BERTH_RUNTIME", "kubernetes")), "use auto, docker or process");
  }

  @Test
  void portInUseCreatesNothing() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path dir = temp.resolve("fresh");
      var outcome =
          serve(
              Map.of(),
              "--data-dir",
              dir.toString(),
              "--console-addr",
              "127.0.0.1:" + taken.getLocalPort());
      assertOneLine(outcome, "is not available");
      assertFalse(Files.exists(dir), "no data dir is left behind");
    }
  }

  @Test
  void proxyPortInUseCreatesNothing() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path dir = temp.resolve("fresh-proxy");
      var outcome =
          serve(
              Map.of(),
              "--data-dir",
              dir.toString(),
              "--console-addr",
              "127.0.0.1:0",
              "--http-addr",
              "127.0.0.1:" + taken.getLocalPort());
      assertOneLine(outcome, "choose another with --http-addr");
      assertFalse(Files.exists(dir), "no data dir is left behind");
    }
  }

  @Test
  void httpsPortInUseCreatesNothing() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path dir = temp.resolve("fresh-https");
      var outcome =
          serve(
              Map.of(),
              "--data-dir",
              dir.toString(),
              "--console-addr",
              "127.0.0.1:0",
              "--https-addr",
              "127.0.0.1:" + taken.getLocalPort());
      assertOneLine(outcome, "choose another with --https-addr");
      assertFalse(Files.exists(dir), "no data dir is left behind");
    }
  }

  @Test
  void unwritableDataDir() throws Exception {
    Path file = temp.resolve("a-file");
    Files.writeString(file, "x");
    assertOneLine(
        serve(
            Map.of(),
            "--data-dir",
            file.resolve("sub").toString(),
            "--console-addr",
            "127.0.0.1:0"),
        "cannot create data dir");
  }

  @Test
  void badDatabaseUrlCreatesNothing() {
    Path dir = temp.resolve("fresh-db");
    var outcome =
        serve(
            Map.of(),
            "--data-dir",
            dir.toString(),
            "--console-addr",
            "127.0.0.1:0",
            "--database-url",
            "mysql://root@localhost/db");
    assertOneLine(outcome, "must be a PostgreSQL URL");
    assertFalse(Files.exists(dir));
    var unreachable =
        serve(
            Map.of(),
            "--data-dir",
            dir.toString(),
            "--console-addr",
            "127.0.0.1:0",
            "--database-url",
            "postgresql://nobody:x@127.0.0.1:1/nothing");
    assertOneLine(unreachable, "cannot connect to postgresql://127.0.0.1:1/nothing");
    assertFalse(Files.exists(dir));
  }

  @Test
  void dockerRuntimeWithoutAnEngineCreatesNothing() {
    Path dir = temp.resolve("fresh-docker");
    var outcome =
        serve(
            Map.of("DOCKER_HOST", "unix://" + temp.resolve("none.sock")),
            "--data-dir",
            dir.toString(),
            "--console-addr",
            "127.0.0.1:0",
            "--runtime",
            "docker");
    assertOneLine(outcome, "no Docker engine answers");
    assertFalse(Files.exists(dir));
  }

  @Test
  void aSecondServeOnTheSameDataDirIsRefused() {
    try (var first = TestPlatform.start()) {
      var outcome =
          serve(
              Map.of(), "--data-dir", first.dataDir().toString(), "--console-addr", "127.0.0.1:0");
      assertOneLine(
          outcome,
          "is in use by another Berth process (pid " + ProcessHandle.current().pid() + ")");
    }
  }
}
