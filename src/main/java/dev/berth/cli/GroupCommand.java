package dev.berth.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that only holds subcommands ({@code berth apps}): alone, it shows its help. */
abstract class GroupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  private final PrintStream err;

  GroupCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    err.println("berth: " + spec.qualifiedName() + " needs a command");
    spec.commandLine().usage(err);
    return CliError.EXIT_USAGE;
  }
}
