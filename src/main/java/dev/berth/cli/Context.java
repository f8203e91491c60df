package dev.berth.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every client command reads from and writes to; tests build their own. {@code requestTimeout}
 * bounds each request to the server, so a server that hangs costs a script at most that long.
 */
record Context(
    Function<String, Optional<String>> env,
    Terminal terminal,
    PrintStream out,
    PrintStream err,
    Duration requestTimeout) {

  Context(
      Function<String, Optional<String>> env, Terminal terminal, PrintStream out, PrintStream err) {
    this(env, terminal, out, err, ApiClient.REQUEST_TIMEOUT);
  }

  Credentials credentials() {
    return Credentials.locate(env);
  }
}
