package dev.berth.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake of a person at a terminal, which a test run does not have: answers queued in advance, the
 * prompts recorded. Everything else in the tests that use it is real.
 */
final class FakeTerminal implements Terminal {
  private final boolean interactive;
  private final Deque<String> answers = new ArrayDeque<>();
  private final byte[] stdin;
  final List<String> prompts = new CopyOnWriteArrayList<>();

  private FakeTerminal(boolean interactive, List<String> answers, String stdin) {
    this.interactive = interactive;
    this.answers.addAll(answers);
    this.stdin = stdin.getBytes(StandardCharsets.UTF_8);
  }

  /** Someone who will type {@code answers}, one per prompt. */
  static FakeTerminal typing(String... answers) {
    return new FakeTerminal(true, List.of(answers), "");
  }

  /** No terminal, as in a script or CI job, with {@code stdin} piped in. */
  static FakeTerminal none(String stdin) {
    return new FakeTerminal(false, List.of(), stdin);
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public Optional<String> readLine(String prompt) {
    prompts.add(prompt);
    return interactive ? Optional.ofNullable(answers.poll()) : Optional.empty();
  }

  @Override
  public Optional<char[]> readPassword(String prompt) {
    return readLine(prompt).map(String::toCharArray);
  }

  @Override
  public InputStream stdin() {
    return new ByteArrayInputStream(stdin);
  }
}
