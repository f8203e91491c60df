package dev.berth.cli;

import dev.berth.core.Json;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth apps list|create|show|delete}. */
final class AppsCommands {
  private AppsCommands() {}

  @Command(name = "apps", description = "List, create, show and delete apps.")
  static final class Group extends GroupCommand {
    Group(Context ctx) {
      super(ctx.err());
    }
  }

  @Command(name = "list", description = "List the apps: name, URL, number of env vars, created.")
  static final class ListApps extends ClientCommand {
    ListApps(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      try (var api = signedIn()) {
        var apps = api.get("/api/v1/apps").object().get("apps");
        List<?> list = apps instanceof List<?> l ? l : List.of();
        if (json) {
          printJson(list);
          return 0;
        }
        var table = new Table("NAME", "URL", "ENV", "CREATED");
        for (var item : list) {
          if (item instanceof Map<?, ?> app) {
            table.row(
                app.get("name"),
                app.get("url"),
                app.get("env_count"),
                Times.show(app.get("created_at")));
          }
        }
        ctx.out().print(table.render());
        return 0;
      }
    }
  }

  @Command(name = "create", description = "Create an app; its name becomes its host name.")
  static final class CreateApp extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A DNS label: a-z, 0-9 and -.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the app is for.")
    String description;

    CreateApp(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      try (var api = signedIn()) {
        var app =
            api.post("/api/v1/apps", ApiClient.body("name", name, "description", description))
                .object();
        if (json) {
          printJson(app);
        } else {
          ctx.out().println("Created " + Text.oneLine(String.valueOf(app.get("name"))));
          AppsCommands.details(app, ctx);
        }
        return 0;
      }
    }
  }

  @Command(name = "show", description = "Show one app: URLs, git remote, Sentry DSN, settings.")
  static final class ShowApp extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    ShowApp(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      try (var api = signedIn()) {
        var app = api.get("/api/v1/apps/" + ApiClient.segment(name)).object();
        if (json) {
          printJson(app);
        } else {
          AppsCommands.details(app, ctx);
        }
        return 0;
      }
    }
  }

  @Command(
      name = "delete",
      description =
          "Delete an app, its deployments and its env vars. Asks you to type the name unless"
              + " --yes; without a terminal, --yes is required.")
  static final class DeleteApp extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    DeleteApp(Context ctx) {
      super(ctx);
    }

    @Override
    int run() {
      try (var api = signedIn()) {
        if (!yes) {
          confirm();
        }
        api.delete("/api/v1/apps/" + ApiClient.segment(name));
        if (json) {
          printJson(Json.obj("deleted", name));
        } else {
          ctx.out().println("Deleted " + Text.oneLine(name));
        }
        return 0;
      }
    }

    private void confirm() {
      if (!ctx.terminal().interactive()) {
        throw CliException.usage(
            "refusing to delete '" + Text.oneLine(name) + "' without --yes (no terminal to ask)");
      }
      String typed =
          ctx.terminal()
              .readLine(
                  "This deletes "
                      + Text.oneLine(name)
                      + " and everything in it. Type its name to confirm: ")
              .orElse("")
              .strip();
      if (!typed.equals(name)) {
        throw new CliException(new CliError.Failed("the name did not match; nothing was deleted"));
      }
    }
  }

  /** {@code key: value} lines, aligned, for the scalar fields of an app. */
  static void details(Map<String, Object> object, Context ctx) {
    int width = object.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (var entry : object.entrySet()) {
      Object value = entry.getValue();
      String text =
          switch (value) {
            case null -> "";
            case Map<?, ?> m -> Json.write(m);
            case List<?> l -> Json.write(l);
            default -> entry.getKey().endsWith("_at") ? Times.show(value) : String.valueOf(value);
          };
      String key = Text.oneLine(entry.getKey());
      ctx.out()
          .println((key + ":").concat(" ".repeat(width - key.length() + 2)) + Text.oneLine(text));
    }
  }
}
