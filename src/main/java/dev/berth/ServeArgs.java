package dev.berth;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * {@code berth serve}'s and {@code berth proxy}'s flags read without picocli, because the server
 * keeps every class it loads for as long as it runs and picocli's model of a command costs about
 * 1.5 MiB of a 64 MiB budget (docs/benchmarks.md). Only the plain case is read here: known flags,
 * each at most once, as {@code --flag value} or {@code --flag=value}, with values the converters
 * accept. Anything else ({@code --help}, a typo, a bad value) returns empty and picocli parses the
 * same arguments, so help, error lines and exit codes stay exactly picocli's.
 */
final class ServeArgs {
  private record Flag<C>(String defaultValue, BiConsumer<C, String> set) {}

  private static final Map<String, Flag<ServeCommand>> SERVE = new LinkedHashMap<>();
  private static final Map<String, Flag<ProxyCommand>> PROXY = new LinkedHashMap<>();

  static {
    SERVE.put("--data-dir", new Flag<>(null, (c, v) -> c.dataDir = Path.of(v)));
    SERVE.put(
        "--console-addr", new Flag<>("127.0.0.1:8000", (c, v) -> c.consoleAddr = hostPort(v)));
    SERVE.put("--http-addr", new Flag<>("0.0.0.0:8080", (c, v) -> c.httpAddr = hostPort(v)));
    SERVE.put("--https-addr", new Flag<>("0.0.0.0:8443", (c, v) -> c.httpsAddr = hostPort(v)));
    SERVE.put("--domain", new Flag<>("localhost", (c, v) -> c.domain = domain(v)));
    SERVE.put("--database-url", new Flag<>(null, (c, v) -> c.databaseUrl = v));
    SERVE.put(
        "--runtime",
        new Flag<>("auto", (c, v) -> c.runtime = new Converters.RuntimeConverter().convert(v)));
    SERVE.put(
        "--profile",
        new Flag<>("small", (c, v) -> c.profile = new Converters.ProfileConverter().convert(v)));
    // Checked by AcmeFlags, so a bad value gets the same line either way.
    SERVE.put("--acme-directory", new Flag<>(null, (c, v) -> c.acmeDirectory = v));
    SERVE.put("--acme-email", new Flag<>(null, (c, v) -> c.acmeEmail = v));
    SERVE.put("--acme-ca-cert", new Flag<>(null, (c, v) -> c.acmeCaCert = Path.of(v)));
    PROXY.put("--data-dir", new Flag<>(null, (c, v) -> c.dataDir = Path.of(v)));
    PROXY.put("--database-url", new Flag<>(null, (c, v) -> c.databaseUrl = v));
    PROXY.put("--http-addr", new Flag<>("0.0.0.0:8080", (c, v) -> c.httpAddr = hostPort(v)));
    PROXY.put("--https-addr", new Flag<>("0.0.0.0:8443", (c, v) -> c.httpsAddr = hostPort(v)));
    PROXY.put("--acme-directory", new Flag<>(null, (c, v) -> c.acmeDirectory = v));
    PROXY.put("--acme-email", new Flag<>(null, (c, v) -> c.acmeEmail = v));
    PROXY.put("--acme-ca-cert", new Flag<>(null, (c, v) -> c.acmeCaCert = Path.of(v)));
    PROXY.put(
        "--console-url",
        new Flag<>(
            "http://127.0.0.1:8000",
            (c, v) -> c.consoleUrl = new ProxyCommand.ConsoleUrlConverter().convert(v)));
    PROXY.put("--domain", new Flag<>("localhost", (c, v) -> c.domain = domain(v)));
    PROXY.put(
        "--profile",
        new Flag<>("small", (c, v) -> c.profile = new Converters.ProfileConverter().convert(v)));
  }

  private ServeArgs() {}

  private static dev.berth.core.HostPort hostPort(String value) {
    return new Converters.HostPortConverter().convert(value);
  }

  private static String domain(String value) {
    return new Converters.DomainConverter().convert(value);
  }

  /**
   * The serve command with its flags set from {@code args} (which start with {@code serve}) and the
   * environment, or empty when picocli must read them (it then prints what is wrong).
   */
  static Optional<ServeCommand> parse(
      String[] args, ServeCommand command, Platform.Environment env) {
    return parse(args, SERVE, command, env);
  }

  /** As {@link #parse(String[], ServeCommand, Platform.Environment)}, for {@code berth proxy}. */
  static Optional<ProxyCommand> parse(
      String[] args, ProxyCommand command, Platform.Environment env) {
    return parse(args, PROXY, command, env);
  }

  private static <C> Optional<C> parse(
      String[] args, Map<String, Flag<C>> flags, C command, Platform.Environment env) {
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
      if (!flags.containsKey(name)
          || given.containsKey(name)
          || value.isEmpty()
          || value.startsWith("-")) {
        return Optional.empty();
      }
      given.put(name, value);
    }
    try {
      for (var flag : flags.entrySet()) {
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

  /** For tests: the flags read for {@code command}, so a new flag cannot be forgotten here. */
  static java.util.Set<String> flags(String command) {
    return new HashSet<>((command.equals("proxy") ? PROXY : SERVE).keySet());
  }
}
