package dev.berth.cli;

import dev.berth.core.Json;
import dev.berth.store.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The saved sign-in, {@code $XDG_CONFIG_HOME/berth/cli.json} (else {@code
 * ~/.config/berth/cli.json}): {@code {"url","token","token_id"}}, written atomically, the file 0600
 * in a 0700 folder because the token is as good as a password.
 *
 * <p>Which server and token a command uses: {@code --url}, else {@code BERTH_URL}, else the saved
 * URL, else {@value #DEFAULT_URL}; the token is {@code BERTH_TOKEN}, else the saved token, but the
 * saved token only goes to the server it was made for, never to another {@code --url}.
 */
final class Credentials {
  static final String DEFAULT_URL = "http://127.0.0.1:8000";
  static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  /** What {@code berth login} saved. */
  record Saved(String url, String token, Optional<String> tokenId) {}

  /** The server and token one command talks with. */
  record Target(String url, Optional<String> token, boolean fromSavedLogin) {
    String requireToken() {
      return token.orElseThrow(() -> new CliException(new CliError.NotSignedIn(0, null)));
    }
  }

  private final Path file;

  Credentials(Path file) {
    this.file = file;
  }

  /** The config file for this environment ({@code XDG_CONFIG_HOME} must be absolute to count). */
  static Credentials locate(Function<String, Optional<String>> env) {
    Path base =
        env.apply("XDG_CONFIG_HOME")
            .filter(v -> !v.isBlank() && Path.of(v).isAbsolute())
            .map(Path::of)
            .orElseGet(
                () ->
                    Path.of(
                            env.apply("HOME")
                                .filter(v -> !v.isBlank())
                                .orElse(System.getProperty("user.home")))
                        .resolve(".config"));
    return new Credentials(base.resolve("berth").resolve("cli.json"));
  }

  Path file() {
    return file;
  }

  Optional<Saved> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CliException(new CliError.Failed("cannot read " + file + ": " + e.getMessage()));
    }
    try {
      if (Json.parse(bytes) instanceof Map<?, ?> map
          && map.get("url") instanceof String url
          && map.get("token") instanceof String token) {
        var id =
            map.get("token_id") instanceof String s ? Optional.of(s) : Optional.<String>empty();
        return Optional.of(new Saved(url, token, id));
      }
    } catch (Json.ParseException e) {
      // Reported below, the same as a file with the wrong shape.
    }
    throw new CliException(
        new CliError.NotSignedIn(0, file + " is damaged; run 'berth login' to replace it"));
  }

  void save(Saved saved) {
    var body = Json.obj("url", saved.url(), "token", saved.token());
    saved.tokenId().ifPresent(id -> body.put("token_id", id));
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, OWNER_DIR);
      AtomicFiles.write(
          file, (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.OWNER_ONLY);
    } catch (IOException | UnsupportedOperationException e) {
      throw new CliException(new CliError.Failed("cannot save " + file + ": " + e.getMessage()));
    }
  }

  /** Removes the saved sign-in; true when there was one. */
  boolean delete() {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new CliException(new CliError.Failed("cannot delete " + file + ": " + e.getMessage()));
    }
  }

  /** See the class comment for the order; {@code urlFlag} already holds {@code BERTH_URL}. */
  Target target(Optional<String> urlFlag, Function<String, Optional<String>> env) {
    Optional<String> flagOrEnv =
        urlFlag.or(() -> env.apply("BERTH_URL")).filter(v -> !v.isBlank()).map(Credentials::url);
    Optional<String> envToken = env.apply("BERTH_TOKEN").filter(v -> !v.isBlank());
    Optional<Saved> saved =
        envToken.isPresent() && flagOrEnv.isPresent() ? Optional.empty() : load();
    String url = flagOrEnv.or(() -> saved.map(s -> url(s.url()))).orElse(DEFAULT_URL);
    if (envToken.isPresent()) {
      return new Target(url, envToken, false);
    }
    var savedToken = saved.filter(s -> url(s.url()).equals(url)).map(Saved::token);
    return new Target(url, savedToken, savedToken.isPresent());
  }

  /** Checks a server URL and drops trailing slashes: {@code http(s)://host[:port][/prefix]}. */
  static String url(String raw) {
    URI uri;
    try {
      uri = new URI(raw.strip());
    } catch (java.net.URISyntaxException e) {
      throw CliException.usage("'" + Text.oneLine(raw) + "' is not a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw CliException.usage(
          "'" + Text.oneLine(raw) + "' is not a server URL like " + DEFAULT_URL);
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }
}
