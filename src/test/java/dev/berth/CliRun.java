package dev.berth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs client commands in-process through {@link Main#run}, the way a shell would: with an
 * environment of its own (config under {@code config}, no terminal) and stdin when given. The CLI
 * integration tests share it.
 */
final class CliRun {
  final Map<String, String> env = new HashMap<>();
  final Path config;
  String out;
  String err;

  /** Signed in as the admin through {@code BERTH_URL} and {@code BERTH_TOKEN}. */
  CliRun(TestPlatform berth, Path config) {
    this.config = config;
    env.put("XDG_CONFIG_HOME", config.toString());
    env.put("BERTH_URL", berth.url());
    env.put("BERTH_TOKEN", TestPlatform.ADMIN_TOKEN);
  }

  Path savedLogin() {
    return config.resolve("berth/cli.json");
  }

  int cli(String... args) {
    return withStdin(null, args);
  }

  int withStdin(String stdin, String... args) {
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    InputStream original = System.in;
    if (stdin != null) {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      int code =
          Main.run(
              args,
              name -> Optional.ofNullable(env.get(name)),
              new PrintStream(outBytes, true, StandardCharsets.UTF_8),
              new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      out = outBytes.toString(StandardCharsets.UTF_8);
      err = errBytes.toString(StandardCharsets.UTF_8);
      return code;
    } finally {
      System.setIn(original);
    }
  }
}
