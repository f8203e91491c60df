package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path home;

  private Function<String, Optional<String>> env(Map<String, String> vars) {
    return name -> Optional.ofNullable(vars.get(name));
  }

  private Credentials credentials() {
    return Credentials.locate(env(Map.of("XDG_CONFIG_HOME", home.toString())));
  }

  @Test
  void theFileLivesUnderXdgConfigHomeElseHomeDotConfig() {
    assertEquals(home.resolve("berth/cli.json"), credentials().file());
    var fromHome = Credentials.locate(env(Map.of("HOME", "/home/ada", "XDG_CONFIG_HOME", "rel")));
    assertEquals(Path.of("/home/ada/.config/berth/cli.json"), fromHome.file());
  }

  @Test
  void savedTokenIsOwnerOnlyInAnOwnerOnlyFolder() throws Exception {
    Files.createDirectories(home.resolve("berth"));
    Files.setPosixFilePermissions(
        home.resolve("berth"), PosixFilePermissions.fromString("rwxr-xr-x"));
    var credentials = credentials();
    credentials.save(new Credentials.Saved("http://b:8000", "secret-1", Optional.of("tok_1")));
    assertEquals("rw-------", perms(credentials.file()));
    assertEquals("rwx------", perms(credentials.file().getParent()));
    assertEquals(
        Optional.of(new Credentials.Saved("http://b:8000", "secret-1", Optional.of("tok_1"))),
        credentials.load());
  }

  @Test
  void savingAgainReplacesTheFileWholeAndLeavesNoTempFiles() throws Exception {
    var credentials = credentials();
    credentials.save(new Credentials.Saved("http://a:1", "first", Optional.empty()));
    credentials.save(new Credentials.Saved("http://a:1", "second", Optional.empty()));
    assertEquals("second", credentials.load().orElseThrow().token());
    assertEquals("rw-------", perms(credentials.file()));
    try (var files = Files.list(credentials.file().getParent())) {
      assertEquals(1, files.count());
    }
    assertEquals(
        "{\"url\":\"http://a:1\",\"token\":\"second\"}\n", Files.readString(credentials.file()));
  }

  @Test
  void deleteForgetsTheSignIn() {
    var credentials = credentials();
    assertFalse(credentials.delete());
    credentials.save(new Credentials.Saved("http://a:1", "t", Optional.empty()));
    assertTrue(credentials.delete());
    assertEquals(Optional.empty(), credentials.load());
  }

  @Test
  void aDamagedFileMeansNotSignedIn() throws Exception {
    var credentials = credentials();
    Files.createDirectories(credentials.file().getParent());
    Files.writeString(credentials.file(), "{\"url\":");
    var e = assertThrows(CliException.class, credentials::load);
    assertEquals(CliError.EXIT_NOT_SIGNED_IN, e.error().exitCode());
    Files.writeString(credentials.file(), "{\"url\":1,\"token\":[]}");
    assertThrows(CliException.class, credentials::load);
  }

  @Test
  void flagBeatsEnvironmentBeatsSavedFile() {
    var credentials = credentials();
    credentials.save(new Credentials.Saved("http://saved:8000/", "saved-token", Optional.empty()));
    var none = env(Map.of());
    assertEquals(
        new Credentials.Target("http://saved:8000", Optional.of("saved-token"), true),
        credentials.target(Optional.empty(), none));
    var envUrl = env(Map.of("BERTH_URL", "http://env:1", "BERTH_TOKEN", "env-token"));
    assertEquals(
        new Credentials.Target("http://env:1", Optional.of("env-token"), false),
        credentials.target(Optional.empty(), envUrl));
    assertEquals("http://flag:2", credentials.target(Optional.of("http://flag:2"), envUrl).url());
  }

  @Test
  void theSavedTokenIsNeverSentToAnotherServer() {
    var credentials = credentials();
    credentials.save(new Credentials.Saved("http://saved:8000", "saved-token", Optional.empty()));
    var target = credentials.target(Optional.of("http://elsewhere:8000"), env(Map.of()));
    assertEquals(Optional.empty(), target.token());
    var e = assertThrows(CliException.class, target::requireToken);
    assertEquals("berth: not signed in; run 'berth login'", e.error().line());
  }

  @Test
  void withNothingSavedTheDefaultServerIsUsed() {
    var target = credentials().target(Optional.empty(), env(Map.of()));
    assertEquals(Credentials.DEFAULT_URL, target.url());
    assertEquals(Optional.empty(), target.token());
  }

  @Test
  void serverUrlsAreChecked() {
    assertEquals("https://berth.example.com", Credentials.url("https://berth.example.com///"));
    for (String bad :
        new String[] {
          "ftp://x", "localhost:8000", "http://", "http://u:p@h", "http://h/?q", "a b"
        }) {
      var e = assertThrows(CliException.class, () -> Credentials.url(bad), bad);
      assertEquals(CliError.EXIT_USAGE, e.error().exitCode());
    }
  }

  private static String perms(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
