package dev.berth;

import dev.berth.audit.AuditLog;
import dev.berth.auth.Auth;
import dev.berth.auth.AuthError;
import dev.berth.auth.AuthException;
import dev.berth.core.Actor;
import dev.berth.core.Ids;
import dev.berth.core.StartupException;
import dev.berth.store.DataDir;
import dev.berth.store.Database;
import dev.berth.store.Migrations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth admin ...}: work on a data dir while no server runs on it. Each command takes the
 * data dir's lock like {@code berth serve} does, so it refuses (exit 2) while a server holds it.
 */
@Command(
    name = "admin",
    description = "Offline administration of a stopped Berth's data dir.",
    mixinStandardHelpOptions = true)
final class AdminCommand implements Callable<Integer> {
  static final String RESET_ACTOR = "system (offline reset)";
  private static final int GENERATED_PASSWORD_BYTES = 18;

  private final PrintStream err;

  private AdminCommand(PrintStream err) {
    this.err = err;
  }

  static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err) {
    var admin = new CommandLine(new AdminCommand(err));
    admin.addSubcommand("reset-password", new ResetPassword(in, out, err));
    return admin;
  }

  @Override
  public Integer call() {
    err.println("admin: name a command: reset-password (see 'berth admin --help')");
    return Main.EXIT_USAGE;
  }

  /** {@code berth admin reset-password}: sets a user's password and signs them out everywhere. */
  @Command(
      name = "reset-password",
      description =
          "Set a new password for a user of a stopped Berth and end their sessions."
              + " Prints a generated password unless --password-stdin is given.",
      mixinStandardHelpOptions = true)
  static final class ResetPassword implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Berth's data dir (default: ~/.berth).")
    Path dataDir;

    @Option(
        names = "--database-url",
        paramLabel = "URL",
        description = "PostgreSQL URL when the server uses one; default: SQLite in the data dir.")
    String databaseUrl;

    @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "Whose.")
    String email;

    @Option(
        names = "--password-stdin",
        description = "Read the new password from the first line of standard input.")
    boolean passwordStdin;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    ResetPassword(InputStream in, PrintStream out, PrintStream err) {
      this.in = in;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() throws IOException {
      Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".berth");
      if (!Files.isDirectory(dir)) {
        throw new StartupException("no Berth data dir at " + dir.toAbsolutePath());
      }
      var clock = Clock.systemUTC();
      var ids = new Ids(clock, new SecureRandom());
      Optional<String> given = passwordStdin ? Optional.of(firstLine()) : Optional.empty();
      String password = given.orElseGet(() -> ids.secret(GENERATED_PASSWORD_BYTES));
      var url = Optional.ofNullable(databaseUrl).filter(s -> !s.isBlank());
      try (var data = DataDir.open(dir);
          var db = Database.open(url, data.database())) {
        Migrations.migrate(db, clock);
        var auth = new Auth(db, ids, clock, new AuditLog(db, ids, clock));
        var actor = new Actor(null, RESET_ACTOR, null, null);
        int ended = auth.accounts().resetPassword(actor, email, password);
        out.println("Password for " + email + " reset; " + ended + " session(s) ended.");
        if (given.isEmpty()) {
          out.println("New password: " + password);
        }
        return Main.EXIT_OK;
      } catch (AuthException e) {
        return refused(e.error());
      }
    }

    private int refused(AuthError error) {
      if (error instanceof AuthError.NotFound) {
        err.println("berth: no user with email " + email);
        return Main.EXIT_FAILED;
      }
      if (error instanceof AuthError.Invalid(String field, String detail)) {
        err.println("berth: " + detail.replaceFirst("^password", "the new password"));
        return Main.EXIT_USAGE;
      }
      err.println("berth: " + error);
      return Main.EXIT_FAILED;
    }

    private String firstLine() throws IOException {
      var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = reader.readLine();
      if (line == null || line.isEmpty()) {
        throw new StartupException("--password-stdin: standard input held no password");
      }
      return line;
    }
  }
}
