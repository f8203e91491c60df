package dev.berth.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Function;

/** What every client command reads from and writes to; tests build their own. */
record Context(
    Function<String, Optional<String>> env, Terminal terminal, PrintStream out, PrintStream err) {

  Credentials credentials() {
    return Credentials.locate(env);
  }
}
