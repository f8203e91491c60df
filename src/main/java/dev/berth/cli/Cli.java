package dev.berth.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;

/** Adds the client commands to Berth's command line; {@code Main} calls {@link #register}. */
public final class Cli {
  /** Shown under every client command's help: scripts branch on these. */
  static final Map<String, String> EXIT_CODES = exitCodes();

  private Cli() {}

  /** Registers {@code login}, {@code logout}, {@code apps}, {@code env} and {@code version}. */
  public static void register(
      CommandLine root, Function<String, Optional<String>> env, PrintStream out, PrintStream err) {
    register(root, new Context(env, Terminal.system(), out, err));
  }

  static void register(CommandLine root, Context ctx) {
    root.addSubcommand("login", documented(new CommandLine(new LoginCommand(ctx))));
    root.addSubcommand("logout", documented(new CommandLine(new LogoutCommand(ctx))));
    root.addSubcommand("version", documented(new CommandLine(new VersionCommand(ctx))));
    var apps = new CommandLine(new AppsCommands.Group(ctx));
    apps.addSubcommand("list", documented(new CommandLine(new AppsCommands.ListApps(ctx))));
    apps.addSubcommand("create", documented(new CommandLine(new AppsCommands.CreateApp(ctx))));
    apps.addSubcommand("show", documented(new CommandLine(new AppsCommands.ShowApp(ctx))));
    apps.addSubcommand("delete", documented(new CommandLine(new AppsCommands.DeleteApp(ctx))));
    root.addSubcommand("apps", documented(apps));
    var env = new CommandLine(new EnvCommands.Group(ctx));
    env.addSubcommand("list", documented(new CommandLine(new EnvCommands.ListEnv(ctx))));
    env.addSubcommand("set", documented(new CommandLine(new EnvCommands.SetEnv(ctx))));
    env.addSubcommand("unset", documented(new CommandLine(new EnvCommands.UnsetEnv(ctx))));
    root.addSubcommand("env", documented(env));
  }

  private static CommandLine documented(CommandLine command) {
    command
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(EXIT_CODES);
    return command;
  }

  private static Map<String, String> exitCodes() {
    var codes = new LinkedHashMap<String, String>();
    codes.put("0", "Done.");
    codes.put("1", "The server refused or failed, or cannot be reached.");
    codes.put("2", "Usage: bad arguments or input; nothing was sent.");
    codes.put("3", "Not signed in, or the token was rejected: run 'berth login'.");
    return java.util.Collections.unmodifiableMap(codes);
  }
}
