package dev.berth.cli;

import dev.berth.core.Json;
import dev.berth.core.Version;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code berth version}: this program's version and, when a server is configured and answers, the
 * server's. A server that is down never makes this command fail.
 */
@Command(name = "version", description = "Print Berth's version, and the server's when reachable.")
final class VersionCommand extends ClientCommand {
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

  VersionCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run() {
    Optional<String> server = configuredServer();
    Optional<String> serverVersion = server.flatMap(VersionCommand::serverVersion);
    if (json) {
      printJson(
          Json.obj(
              "version",
              Version.current(),
              "java",
              Runtime.version().toString(),
              "server_url",
              server,
              "server_version",
              serverVersion));
      return 0;
    }
    ctx.out().println("berth " + Version.current() + " (Java " + Runtime.version() + ")");
    server.ifPresent(
        url ->
            ctx.out()
                .println(
                    serverVersion
                        .map(v -> "server " + Text.oneLine(v) + " at " + url)
                        .orElse("server at " + url + ": not reachable")));
    return 0;
  }

  /** Only a server the user named ({@code --url}, {@code BERTH_URL}, a saved login). */
  private Optional<String> configuredServer() {
    try {
      if (url != null || ctx.env().apply("BERTH_URL").filter(v -> !v.isBlank()).isPresent()) {
        return Optional.of(target().url());
      }
      return ctx.credentials().load().map(s -> Credentials.url(s.url()));
    } catch (CliException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> serverVersion(String url) {
    try (var api = new ApiClient(url, Optional.empty(), HEALTH_TIMEOUT)) {
      return api.get("/api/v1/health").object().get("version") instanceof String v
          ? Optional.of(v)
          : Optional.empty();
    } catch (CliException e) {
      return Optional.empty();
    }
  }
}
