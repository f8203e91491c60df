package dev.berth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth env list|set|unset}: an app's environment variables. */
final class EnvCommands {
  /** The server takes request bodies up to 1 MiB; a bigger .env could never be applied. */
  static final int MAX_INPUT = 1 << 20;

  private EnvCommands() {}

  @Command(name = "env", description = "List, set and unset an app's environment variables.")
  static final class Group extends GroupCommand {
    Group(Context ctx) {
      super(ctx.err());
    }
  }

  @Command(
      name = "list",
      description = "List an app's variables; values are masked unless --reveal.")
  static final class ListEnv extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Option(names = "--reveal", description = "Show the values.")
    boolean reveal;

    ListEnv(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      try (var api = signedIn()) {
        String path =
            "/api/v1/apps/" + ApiClient.segment(app) + "/env" + (reveal ? "?reveal=true" : "");
        var env = api.get(path).object().get("env");
        List<?> list = env instanceof List<?> l ? l : List.of();
        if (json) {
          printJson(list);
          return 0;
        }
        var table = new Table("KEY", "VALUE", "UPDATED");
        for (var item : list) {
          if (item instanceof Map<?, ?> entry) {
            table.row(entry.get("key"), entry.get("value"), Times.show(entry.get("updated_at")));
          }
        }
        ctx.out().print(table.render());
        return 0;
      }
    }
  }

  /** What set and unset share: one PUT of the whole change, then a line or the JSON answer. */
  abstract static class EnvChange extends ClientCommand {
    EnvChange(Context ctx) {
      super(ctx);
    }

    int change(String app, Map<String, Object> values, String verb) {
      try (var api = signedIn()) {
        var reply = api.put("/api/v1/apps/" + ApiClient.segment(app) + "/env", values);
        if (json) {
          printJson(reply.body());
        } else {
          ctx.out()
              .println(
                  verb
                      + " "
                      + Text.oneLine(String.join(", ", values.keySet()))
                      + " on "
                      + Text.oneLine(app));
        }
        return 0;
      }
    }
  }

  @Command(
      name = "set",
      description =
          "Set variables from KEY=VALUE arguments, a dotenv file (--file), or '-' for KEY=VALUE"
              + " lines on stdin. All of them are applied together, or none is.")
  static final class SetEnv extends EnvChange {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Or '-' to read stdin.")
    List<String> pairs = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "A dotenv file (.env) to apply.")
    Path file;

    SetEnv(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      return change(app, new LinkedHashMap<String, Object>(collect()), "Set");
    }

    /** File first, then arguments in order; a later value for the same key wins. */
    Map<String, String> collect() {
      var values = new LinkedHashMap<String, String>();
      if (file != null) {
        values.putAll(Dotenv.parse(readFile(file), file.toString()));
      }
      for (String pair : pairs) {
        if (pair.equals("-")) {
          values.putAll(Dotenv.parse(read(ctx.terminal().stdin(), "stdin"), "stdin"));
        } else {
          var entry = Dotenv.argument(pair);
          values.put(entry.getKey(), entry.getValue());
        }
      }
      if (values.isEmpty()) {
        throw CliException.usage("nothing to set: give KEY=VALUE, --file FILE or '-'");
      }
      return values;
    }
  }

  @Command(name = "unset", description = "Remove variables from an app.")
  static final class UnsetEnv extends EnvChange {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY")
    List<String> keys = new ArrayList<>();

    UnsetEnv(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      var values = new LinkedHashMap<String, Object>();
      keys.forEach(key -> values.put(Dotenv.checkKey(key), null));
      return change(app, values, "Unset");
    }
  }

  static String readFile(Path file) {
    try (var in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Reads at most {@link #MAX_INPUT} bytes of UTF-8; more, or bad UTF-8, is a usage error. */
  static String read(InputStream in, String source) {
    byte[] bytes;
    try {
      bytes = in.readNBytes(MAX_INPUT + 1);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + source + ": " + e.getMessage());
    }
    if (bytes.length > MAX_INPUT) {
      throw CliException.usage(source + " is larger than 1 MiB");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw CliException.usage(source + " is not UTF-8 text");
    }
  }
}
