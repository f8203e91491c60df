package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs the client commands in-process with a terminal and request timeout chosen by the test, which
 * {@code Main.run} does not let a test choose; the config lives under {@code config}.
 */
final class CliHarness {
  final Map<String, String> env = new HashMap<>();
  Terminal terminal = FakeTerminal.none("");
  Duration timeout = ApiClient.REQUEST_TIMEOUT;
  String out;
  String err;

  @Command(name = "berth")
  static final class Root {}

  CliHarness(Path config) {
    env.put("XDG_CONFIG_HOME", config.toString());
  }

  int berth(String... args) {
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    var cli = new CommandLine(new Root());
    var ctx =
        new Context(
            name -> Optional.ofNullable(env.get(name)),
            terminal,
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            timeout);
    Cli.register(cli, ctx);
    cli.setErr(new PrintWriter(ctx.err(), true));
    int code = cli.execute(args);
    out = outBytes.toString(StandardCharsets.UTF_8);
    err = errBytes.toString(StandardCharsets.UTF_8);
    return code;
  }
}
