package dev.berth.cli;

import dev.berth.core.Json;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code berth logout}: forgets the saved token and, when {@code berth login} made it, revokes it
 * on the server. A server that cannot be reached does not keep the token on this computer.
 */
@Command(name = "logout", description = "Remove the saved sign-in and revoke its token.")
final class LogoutCommand extends ClientCommand {
  LogoutCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run() {
    var credentials = ctx.credentials();
    Optional<Credentials.Saved> saved;
    try {
      saved = credentials.load();
    } catch (CliException e) {
      saved = Optional.empty();
    }
    boolean revoked = saved.flatMap(LogoutCommand::revoke).orElse(false);
    boolean removed = credentials.delete();
    if (json) {
      printJson(Json.obj("removed", removed, "revoked", revoked));
    } else if (!removed) {
      ctx.out().println("Not signed in.");
    } else {
      ctx.out().println("Signed out" + saved.map(s -> " of " + Text.oneLine(s.url())).orElse(""));
    }
    return 0;
  }

  /** Empty when there is no token id to revoke; false (with a note) when revoking failed. */
  private static Optional<Boolean> revoke(Credentials.Saved saved) {
    return saved
        .tokenId()
        .map(
            id -> {
              try (var api =
                  new ApiClient(saved.url(), Optional.of(saved.token()), Duration.ofSeconds(10))) {
                api.delete("/api/v1/tokens/" + ApiClient.segment(id));
                return true;
              } catch (CliException e) {
                return false;
              }
            });
  }
}
