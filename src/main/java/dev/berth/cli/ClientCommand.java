package dev.berth.cli;

import dev.berth.core.Json;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * The shape of every client command: {@code --url} and {@code --json}, one {@link ApiClient}, and
 * one place where a {@link CliException} becomes a single stderr line and an exit code.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Berth server (default: BERTH_URL, then the URL saved by 'berth login', then "
              + Credentials.DEFAULT_URL
              + ").")
  String url;

  @Option(names = "--json", description = "Print the API's JSON instead of a table, for scripts.")
  boolean json;

  final Context ctx;

  ClientCommand(Context ctx) {
    this.ctx = ctx;
  }

  abstract int run();

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CliException e) {
      ctx.err().println(e.error().line());
      return e.error().exitCode();
    }
  }

  Credentials.Target target() {
    return ctx.credentials().target(Optional.ofNullable(url), ctx.env());
  }

  /** A client for a command that needs a signed-in user: exit 3 before any request if none. */
  ApiClient signedIn() {
    var target = target();
    return new ApiClient(target.url(), Optional.of(target.requireToken()), ctx.requestTimeout());
  }

  void printJson(Object value) {
    if (value != null) {
      ctx.out().println(Json.write(value));
    }
  }
}
