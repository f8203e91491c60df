package dev.berth.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth login}: trades an email and password for a named API token, so the password is never
 * stored and the token can be revoked on its own. The sign-in session used to create the token is
 * closed right after:
 *
 * <pre>
 *   POST /auth/login ──► cookie + csrf ──► POST /tokens ──► token ──► POST /auth/logout
 *                                                              └──► cli.json (0600)
 * </pre>
 *
 * With {@code --token}, the token is checked with {@code GET /api/v1/apps} and saved as given.
 */
@Command(
    name = "login",
    description = "Sign in to a Berth server and save an API token for the other commands.")
final class LoginCommand extends ClientCommand {
  static final String SESSION_COOKIE = "berth_session";

  @Option(names = "--email", paramLabel = "EMAIL", description = "Asked for when not given.")
  String email;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Save this API token instead of signing in with a password.")
  String token;

  @Option(
      names = "--password-stdin",
      description = "Read the password from the first line of stdin (for scripts).")
  boolean passwordStdin;

  LoginCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run() {
    var credentials = ctx.credentials();
    String server =
        Optional.ofNullable(url)
            .or(() -> ctx.env().apply("BERTH_URL").filter(v -> !v.isBlank()))
            .map(Credentials::url)
            .or(() -> loadQuietly(credentials).map(Credentials.Saved::url))
            .orElse(Credentials.DEFAULT_URL);
    var saved = token != null ? checkToken(server, token) : signIn(server);
    credentials.save(saved);
    if (json) {
      printJson(Map.of("url", saved.url(), "config", credentials.file().toString()));
    } else {
      ctx.out().println("Signed in to " + server + "; token saved in " + credentials.file());
    }
    return 0;
  }

  /** A damaged file must not stop the login that will replace it. */
  private static Optional<Credentials.Saved> loadQuietly(Credentials credentials) {
    try {
      return credentials.load();
    } catch (CliException e) {
      return Optional.empty();
    }
  }

  private Credentials.Saved checkToken(String server, String token) {
    if (token.isBlank()) {
      throw CliException.usage("--token is empty");
    }
    try (var api = new ApiClient(server, Optional.of(token.strip()), ctx.requestTimeout())) {
      api.get("/api/v1/apps");
    }
    return new Credentials.Saved(server, token.strip(), Optional.empty());
  }

  private Credentials.Saved signIn(String server) {
    String who = email != null ? email : prompt();
    String password = password();
    try (var api = new ApiClient(server, Optional.empty(), ctx.requestTimeout())) {
      var login = api.post("/api/v1/auth/login", Map.of("email", who, "password", password));
      String cookie =
          login
              .cookie(SESSION_COOKIE)
              .orElseThrow(() -> unexpected("the sign-in answer has no session cookie"));
      if (!(login.object().get("csrf_token") instanceof String csrf)) {
        throw unexpected("the sign-in answer has no csrf_token");
      }
      var session = Map.of("Cookie", SESSION_COOKIE + "=" + cookie, "X-CSRF-Token", csrf);
      try {
        var created =
            api.send("POST", "/api/v1/tokens", Map.of("name", "cli on " + hostname()), session)
                .object();
        if (!(created.get("token") instanceof String secret)) {
          throw unexpected("the new token is missing from the server's answer");
        }
        var id = created.get("id") instanceof String s ? Optional.of(s) : Optional.<String>empty();
        return new Credentials.Saved(server, secret, id);
      } finally {
        logOut(api, session);
      }
    }
  }

  /** Best effort: the token is made either way, and the session would expire on its own. */
  private static void logOut(ApiClient api, Map<String, String> session) {
    try {
      api.send("POST", "/api/v1/auth/logout", null, session);
    } catch (CliException e) {
      // Nothing to do for the user; the session times out on the server.
    }
  }

  private String prompt() {
    return ctx.terminal()
        .readLine("Email: ")
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .orElseThrow(() -> CliException.usage("no terminal to ask for the email; pass --email"));
  }

  private String password() {
    if (passwordStdin) {
      String text = EnvCommands.read(ctx.terminal().stdin(), "stdin");
      String line = text.lines().findFirst().orElse("");
      if (line.isEmpty()) {
        throw CliException.usage("--password-stdin: no password on stdin");
      }
      return line;
    }
    return ctx.terminal()
        .readPassword("Password: ")
        .map(String::new)
        .filter(s -> !s.isEmpty())
        .orElseThrow(
            () -> CliException.usage("no terminal to ask for the password; use --password-stdin"));
  }

  private static CliException unexpected(String what) {
    return new CliException(new CliError.Failed(what));
  }

  private String hostname() {
    return ctx.env()
        .apply("HOSTNAME")
        .filter(h -> !h.isBlank())
        .or(LoginCommand::etcHostname)
        .or(LoginCommand::resolvedHostname)
        .map(Text::oneLine)
        .orElse("unknown host");
  }

  private static Optional<String> etcHostname() {
    try {
      return Optional.of(
              java.nio.file.Files.readString(
                      java.nio.file.Path.of("/etc/hostname"), StandardCharsets.UTF_8)
                  .strip())
          .filter(h -> !h.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> resolvedHostname() {
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
