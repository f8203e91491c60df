package dev.berth;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * {@code berth serve}'s flags read without picocli, because the server keeps every class it loads
 * for as long as it runs and picocli's model of a command costs about 1.5 MiB of a 64 MiB budget
 * (docs/benchmarks.md). Only the plain case is read here: known flags, each at most once, as {@code
 * --flag value} or {@code --flag=value}, with values the converters accept. Anything else ({@code
 * --help}, a typo, a bad value) returns empty and picocli parses the same arguments, so help, error
 * lines and exit codes stay exactly picocli's.
 */
final class ServeArgs {
  private record Flag(String defaultValue, BiConsumer<ServeCommand, String> set) {}

  private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("--data-dir", new Flag(null, (c, v) -> c.dataDir = Path.of(v)));
    FLAGS.put(
        "--console-addr",
        new Flag(
            "127.0.0.1:8000",
            (c, v) -> c.consoleAddr = new Converters.HostPortConverter().convert(v)));
    FLAGS.put(
        "--http-addr",
        new Flag(
            "0.0.0.0:8080", (c, v) -> c.httpAddr = new Converters.HostPortConverter().convert(v)));
    FLAGS.put(
        "--https-addr",
        new Flag(
            "0.0.0.0:8443", (c, v) -> c.httpsAddr = new Converters.HostPortConverter().convert(v)));
    FLAGS.put(
        "--domain",
        new Flag("localhost", (c, v) -> c.domain = new Converters.DomainConverter().convert(v)));
    FLAGS.put("--database-url", new Flag(null, (c, v) -> c.databaseUrl = v));
    FLAGS.put(
        "--runtime",
        new Flag("auto", (c, v) -> c.runtime = new Converters.RuntimeConverter().convert(v)));
    FLAGS.put(
        "--profile",
        new Flag("small", (c, v) -> c.profile = new Converters.ProfileConverter().convert(v)));
  }

  private ServeArgs() {}

  /**
   * The serve command with its flags set from {@code args} (which start with {@code serve}) and the
   * environment, or empty when picocli must read them (it then prints what is wrong).
   */
  static Optional<ServeCommand> parse(
      String[] args, ServeCommand command, Platform.Environment env) {
    var given = new LinkedHashMap<String, String>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String name;
      String value;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        name = arg;
        value = args[++i];
      } else {
        return Optional.empty();
      }
      if (!FLAGS.containsKey(name)
          || given.containsKey(name)
          || value.isEmpty()
          || value.startsWith("-")) {
        return Optional.empty();
      }
      given.put(name, value);
    }
    try {
      for (var flag : FLAGS.entrySet()) {
        String value = given.get(flag.getKey());
        if (value == null) {
          value = fromEnvironment(flag.getKey(), env).orElse(flag.getValue().defaultValue());
        }
        if (value != null) {
          flag.getValue().set().accept(command, value);
        }
      }
    } catch (RuntimeException e) {
      return Optional.empty(); // picocli says what is wrong with the value, in its words
    }
    return Optional.of(command);
  }

  /** {@code --data-dir} ← {@code BERTH_DATA_DIR}, as {@link Main#fromEnvironment} for picocli. */
  private static Optional<String> fromEnvironment(String flag, Platform.Environment env) {
    String name = "BERTH_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    return env.get(name).filter(v -> !v.isEmpty());
  }

  /** For tests: the flags this reads, so a new serve flag cannot be forgotten here. */
  static java.util.Set<String> flags() {
    return new HashSet<>(FLAGS.keySet());
  }
}
