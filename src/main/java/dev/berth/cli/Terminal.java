package dev.berth.cli;

import java.io.InputStream;
import java.util.Optional;

/** Where commands ask people questions and read piped input; tests pass their own. */
interface Terminal {
  /** True when a person sits at the keyboard (stdin and stdout are a terminal). */
  boolean interactive();

  /** Prompts and reads one line; empty when there is no terminal or input ended. */
  Optional<String> readLine(String prompt);

  /** Prompts and reads without echo; empty when there is no terminal or input ended. */
  Optional<char[]> readPassword(String prompt);

  InputStream stdin();

  /** The process's console and stdin, looked up on each call so tests may replace System.in. */
  static Terminal system() {
    return new Terminal() {
      @Override
      public boolean interactive() {
        var console = System.console();
        return console != null && console.isTerminal();
      }

      @Override
      public Optional<String> readLine(String prompt) {
        return interactive()
            ? Optional.ofNullable(System.console().readLine("%s", prompt))
            : Optional.empty();
      }

      @Override
      public Optional<char[]> readPassword(String prompt) {
        return interactive()
            ? Optional.ofNullable(System.console().readPassword("%s", prompt))
            : Optional.empty();
      }

      @Override
      public InputStream stdin() {
        return System.in;
      }
    };
  }
}
