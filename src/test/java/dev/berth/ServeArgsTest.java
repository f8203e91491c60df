package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.core.ServeConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Option;

/** The picocli-free reading of serve's flags agrees with picocli's, or leaves the case to it. */
class ServeArgsTest {
  private static final PrintStream OUT = new PrintStream(PrintStream.nullOutputStream());

  static Optional<ServeCommand> parse(Map<String, String> env, String... args) {
    Platform.Environment environment = name -> Optional.ofNullable(env.get(name));
    return ServeArgs.parse(args, new ServeCommand(environment, OUT), environment);
  }

  static java.util.Set<String> declared(Class<?> command) {
    return Arrays.stream(command.getDeclaredFields())
        .map(f -> f.getAnnotation(Option.class))
        .filter(o -> o != null)
        .flatMap(o -> Arrays.stream(o.names()))
        .collect(Collectors.toSet());
  }

  @Test
  void readsEveryFlagServeAndProxyHave() {
    assertEquals(
        declared(ServeCommand.class), ServeArgs.flags("serve"), "a serve flag left unread");
    assertEquals(
        declared(ProxyCommand.class), ServeArgs.flags("proxy"), "a proxy flag left unread");
  }

  @Test
  void proxyFlags() {
    Platform.Environment env =
        name -> Optional.ofNullable(Map.of("BERTH_DOMAIN", "a.test").get(name));
    var proxy =
        ServeArgs.parse(
                new String[] {"proxy", "--console-url", "http://127.0.0.1:9000", "--data-dir=/d"},
                new ProxyCommand(env, OUT),
                env)
            .orElseThrow();
    assertEquals(new HostPort("127.0.0.1", 9000), proxy.consoleUrl);
    assertEquals(Path.of("/d"), proxy.dataDir);
    assertEquals("a.test", proxy.domain);
    assertEquals(new HostPort("0.0.0.0", 8080), proxy.httpAddr);
    assertTrue(
        ServeArgs.parse(
                new String[] {"proxy", "--console-url", "ftp://x:1"},
                new ProxyCommand(env, OUT),
                env)
            .isEmpty());
    assertTrue(
        ServeArgs.parse(
                new String[] {"proxy", "--runtime", "process"}, new ProxyCommand(env, OUT), env)
            .isEmpty(),
        "serve's flags are not the proxy's");
  }

  @Test
  void plainFlagsEnvironmentAndDefaults() {
    var serve =
        parse(
                Map.of("BERTH_DOMAIN", "Example.COM", "BERTH_PROFILE", ""),
                "serve",
                "--data-dir",
                "/tmp/x",
                "--http-addr=127.0.0.1:9",
                "--runtime",
                "process")
            .orElseThrow();
    assertEquals(Path.of("/tmp/x"), serve.dataDir);
    assertEquals(new HostPort("127.0.0.1", 9), serve.httpAddr);
    assertEquals(new HostPort("127.0.0.1", 8000), serve.consoleAddr);
    assertEquals(new HostPort("0.0.0.0", 8443), serve.httpsAddr);
    assertEquals("example.com", serve.domain);
    assertEquals(ServeConfig.RuntimeKind.PROCESS, serve.runtime);
    assertEquals(ServeConfig.Profile.SMALL, serve.profile);
    assertNull(serve.databaseUrl);
    assertEquals(
        Path.of("/env"), parse(Map.of("BERTH_DATA_DIR", "/env"), "serve").orElseThrow().dataDir);
    assertEquals(
        Path.of("/flag"),
        parse(Map.of("BERTH_DATA_DIR", "/env"), "serve", "--data-dir", "/flag")
            .orElseThrow()
            .dataDir);
  }

  @Test
  void anythingUnusualIsLeftToPicocli() {
    String[][] cases = {
      {"serve", "--help"},
      {"serve", "-h"},
      {"serve", "-V"},
      {"serve", "--bogus", "x"},
      {"serve", "--data-dir"},
      {"serve", "--data-dir", "--http-addr", "1.2.3.4:5"},
      {"serve", "--http-addr", "nope"},
      {"serve", "--http-addr=1.2.3.4:5", "--http-addr=1.2.3.4:6"},
      {"serve", "--profile", "fast"},
      {"serve", "--domain="},
      {"serve", "extra", "args"},
    };
    for (String[] args : cases) {
      assertTrue(parse(Map.of(), args).isEmpty(), String.join(" ", args));
    }
    assertTrue(parse(Map.of("BERTH_RUNTIME", "podman"), "serve").isEmpty());
  }
}
