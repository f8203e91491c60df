package dev.berth;

import dev.berth.core.StartupException;
import dev.berth.core.Version;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line. Every flag of the server commands is also read from the environment as {@code
 * BERTH_<FLAG>} ({@code --data-dir} from {@code BERTH_DATA_DIR}); a flag on the command line wins.
 *
 * <p>Exit codes: 0 success; 1 the operation failed (the server said no, a network error); 2 bad
 * usage or Berth cannot start (unknown flag, port in use, unwritable data dir); 3 not signed in.
 */
@Command(
    name = "berth",
    description = "Berth: a self-hosted application platform.",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class)
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    System.setProperty("slf4j.provider", "dev.berth.LibraryLogs");
    System.setProperty("slf4j.internal.verbosity", "WARN");
    int code = run(args, name -> Optional.ofNullable(System.getenv(name)), System.out, System.err);
    if (code != EXIT_OK || !isServe(args)) {
      System.exit(code);
    }
  }

  /** The server commands run until a signal; their shutdown hook ends the process. */
  private static boolean isServe(String[] args) {
    return args.length > 0 && (args[0].equals("serve") || args[0].equals("proxy"));
  }

  /** Runs one command; returns its exit code. Tests call this in-process. */
  public static int run(String[] args, Platform.Environment env, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("serve")) {
      var serve = ServeArgs.parse(args, new ServeCommand(env, out), env);
      if (serve.isPresent()) {
        return serveWithoutPicocli(serve.get(), out, err);
      }
    }
    if (args.length > 0 && args[0].equals("proxy")) {
      var proxy = ServeArgs.parse(args, new ProxyCommand(env, out), env);
      if (proxy.isPresent()) {
        return serveWithoutPicocli(proxy.get(), out, err);
      }
    }
    var cli = commandLine(env, out, err, isServe(args));
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** As picocli would run it, with its exit codes (see the execution exception handler below). */
  private static int serveWithoutPicocli(
      java.util.concurrent.Callable<Integer> serve, PrintStream out, PrintStream err) {
    try {
      return serve.call();
    } catch (StartupException e) {
      err.println("berth: " + e.getMessage());
      return EXIT_USAGE;
    } catch (Exception e) {
      err.println("berth: " + e);
      return EXIT_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(
      Platform.Environment env, PrintStream out, PrintStream err, boolean serving) {
    var cli = new CommandLine(new Main());
    cli.addSubcommand("serve", new ServeCommand(env, out));
    cli.addSubcommand("proxy", new ProxyCommand(env, out));
    // The server never runs a client command: building their picocli models for `serve` would
    // load and keep a few hundred classes for nothing.
    if (!serving) {
      dev.berth.cli.Cli.register(cli, env::get, out, err);
    }
    cli.addSubcommand("admin", AdminCommand.commandLine(System.in, out, err));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    // Server commands read every flag from BERTH_<FLAG> too. Client commands do not: a stray
    // BERTH_YES must never confirm a delete; they read BERTH_URL and BERTH_TOKEN themselves.
    cli.getSubcommands().get("serve").setDefaultValueProvider(spec -> fromEnvironment(spec, env));
    cli.getSubcommands().get("proxy").setDefaultValueProvider(spec -> fromEnvironment(spec, env));
    cli.getSubcommands()
        .get("admin")
        .getSubcommands()
        .get("reset-password")
        .setDefaultValueProvider(
            spec ->
                spec instanceof OptionSpec o
                        && (o.longestName().equals("--data-dir")
                            || o.longestName().equals("--database-url"))
                    ? fromEnvironment(spec, env)
                    : spec.defaultValue());
    cli.setParameterExceptionHandler(
        (e, argv) -> {
          String command = e.getCommandLine().getCommandName();
          err.println(
              command
                  + ": "
                  + e.getMessage()
                  + " (see '"
                  + helpName(e.getCommandLine())
                  + " --help')");
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof StartupException) {
            err.println("berth: " + e.getMessage());
            return EXIT_USAGE;
          }
          err.println("berth: " + e);
          return EXIT_FAILED;
        });
    return cli;
  }

  private static String helpName(CommandLine command) {
    var names = new java.util.ArrayDeque<String>();
    for (var c = command; c != null; c = c.getParent()) {
      names.push(c.getCommandName());
    }
    return String.join(" ", names);
  }

  /** {@code --data-dir} ← {@code BERTH_DATA_DIR}, and so on for every long option. */
  static String fromEnvironment(ArgSpec spec, Platform.Environment env) {
    if (spec instanceof OptionSpec option
        && !option.usageHelp()
        && !option.versionHelp()
        && option.longestName().startsWith("--")) {
      String name =
          "BERTH_" + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
      var value = env.get(name);
      if (value.isPresent() && !value.get().isEmpty()) {
        return value.get();
      }
    }
    return spec.defaultValue();
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"berth " + Version.current()};
    }
  }
}
