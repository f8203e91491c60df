package dev.berth.apps;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import dev.berth.core.ProblemException;
import dev.berth.core.Role;
import dev.berth.web.Access;
import dev.berth.web.JsonBody;
import dev.berth.web.Request;
import dev.berth.web.Response;
import dev.berth.web.Router;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /api/v1/apps}: viewers read, members change apps and set env vars, admins also see env
 * values ({@code GET .../env?reveal=true}, audited).
 */
public final class AppsApi {
  /** Shown for every env value: fixed, so it does not tell the value's length either. */
  static final String MASK = "••••••";

  private static final Set<String> CREATE_FIELDS = Set.of("name", "description", "deploy_branch");
  private static final Set<String> PATCH_FIELDS = Set.of("description", "deploy_branch");

  /** The app object of the API. */
  record AppJson(
      String id,
      String name,
      String description,
      String deployBranch,
      String url,
      Instant createdAt,
      Instant updatedAt,
      int envCount) {}

  record EnvJson(String key, String value, Instant updatedAt) {}

  private final Apps apps;
  private final AppEnv env;
  private final Function<String, String> appUrl;

  /** {@code appUrl} gives the public URL of an app from its name. */
  public AppsApi(Apps apps, AppEnv env, Function<String, String> appUrl) {
    this.apps = apps;
    this.env = env;
    this.appUrl = appUrl;
  }

  public void register(Router router) {
    router.post("/api/v1/apps", Access.MEMBER, this::create);
    router.get("/api/v1/apps", Access.VIEWER, this::list);
    router.get("/api/v1/apps/{name}", Access.VIEWER, this::get);
    router.patch("/api/v1/apps/{name}", Access.MEMBER, this::update);
    router.delete("/api/v1/apps/{name}", Access.MEMBER, this::delete);
    router.get("/api/v1/apps/{name}/env", Access.VIEWER, this::getEnv);
    router.put("/api/v1/apps/{name}/env", Access.MEMBER, this::putEnv);
    router.errors(AppsException.class, e -> problem(e.error()));
  }

  private Response create(Request request) {
    var body = request.json().only(CREATE_FIELDS);
    var name = AppName.forNewApp(body.string("name"));
    String description = body.optString("description").orElse("");
    var branch = new DeployBranch(body.optString("deploy_branch").orElse(DeployBranch.DEFAULT));
    var app = apps.create(request.actor(), name, description, branch);
    return Response.json(201, json(app)).header("Location", "/api/v1/apps/" + name.value());
  }

  private Response list(Request request) {
    return Response.ok(Json.obj("apps", apps.list().stream().map(this::json).toList()));
  }

  private Response get(Request request) {
    return Response.ok(json(apps.get(pathName(request))));
  }

  private Response update(Request request) {
    var name = pathName(request);
    var body = request.json().only(PATCH_FIELDS);
    var changes = new Apps.Changes(description(body), branch(body));
    return Response.ok(json(apps.update(request.actor(), name, changes)));
  }

  private Response delete(Request request) {
    apps.delete(request.actor(), pathName(request));
    return Response.noContent();
  }

  private Response getEnv(Request request) {
    boolean reveal = revealRequested(request);
    if (reveal && !request.user().can(Role.ADMIN)) {
      throw new ProblemException(Problem.forbidden("only admins can see env values"));
    }
    var name = pathName(request);
    if (reveal) {
      var values =
          env.reveal(request.actor(), name).stream()
              .map(v -> new EnvJson(v.key(), v.value(), v.updatedAt()))
              .toList();
      return Response.ok(Json.obj("env", values));
    }
    return Response.ok(Json.obj("env", masked(env.list(name))));
  }

  private Response putEnv(Request request) {
    var name = pathName(request);
    var wanted = request.json().fields();
    var change = env.put(request.actor(), name, wanted);
    return Response.ok(
        Json.obj(
            "env", masked(change.env()),
            "added", change.added().size(),
            "updated", change.updated().size(),
            "removed", change.removed().size()));
  }

  /**
   * The app named in the path. A name that no app could have is simply not found: the path is a
   * lookup, and the rules are told when an app is created.
   */
  private static AppName pathName(Request request) {
    String raw = request.param("name");
    if (AppName.problem(raw).isPresent()) {
      throw new AppsException(new AppsError.AppNotFound(raw));
    }
    return new AppName(raw);
  }

  private static boolean revealRequested(Request request) {
    return switch (request.query("reveal").orElse("false")) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ProblemException(Problem.invalid("reveal", "reveal is true or false"));
    };
  }

  /** A null description clears it. */
  private static Optional<String> description(JsonBody body) {
    if (body.has("description") && body.fields().get("description") == null) {
      return Optional.of("");
    }
    return body.optString("description");
  }

  private static Optional<DeployBranch> branch(JsonBody body) {
    if (body.has("deploy_branch") && body.fields().get("deploy_branch") == null) {
      throw new AppsException(
          new AppsError.InvalidField("deploy_branch", "deploy_branch must be a branch name"));
    }
    return body.optString("deploy_branch").map(DeployBranch::new);
  }

  private static List<EnvJson> masked(List<EnvVar> vars) {
    return vars.stream().map(v -> new EnvJson(v.key(), MASK, v.updatedAt())).toList();
  }

  private AppJson json(App app) {
    String name = app.name().value();
    return new AppJson(
        app.id().value(),
        name,
        app.description(),
        app.deployBranch().value(),
        appUrl.apply(name),
        app.createdAt(),
        app.updatedAt(),
        app.envCount());
  }

  static Problem problem(AppsError error) {
    return switch (error) {
      case AppsError.InvalidName(var rule) ->
          Problem.of("invalid-name", "Invalid app name", 422, rule).with("field", "name");
      case AppsError.AppExists(var name) ->
          Problem.of("app-exists", "App exists", 409, "an app named " + name + " already exists")
              .with("name", name.value());
      case AppsError.AppNotFound(var name) ->
          Problem.of("app-not-found", "App not found", 404, "there is no app named " + shown(name));
      case AppsError.InvalidField(var field, var rule) -> Problem.invalid(field, rule);
      case AppsError.InvalidEnv(var key, var rule) ->
          Problem.of("invalid-env", "Invalid environment variable", 422, rule)
              .with("field", cut(key))
              .with("key", cut(key));
      case AppsError.TooManyEnvVars(var wanted, var max) ->
          Problem.of(
                  "too-many-env-vars",
                  "Too many environment variables",
                  422,
                  "an app has at most " + max + " env vars; this change would make " + wanted)
              .with("limit", max);
      case AppsError.EnvUnreadable(var keys) ->
          Problem.of(
                  "env-unreadable",
                  "Environment cannot be read",
                  500,
                  "some env values do not open with this server's master key; set them again")
              .with("keys", keys);
    };
  }

  /** Echoes user input in a problem, cut short so a hostile name cannot fill the answer. */
  private static String shown(String text) {
    return Json.write(cut(text));
  }

  private static String cut(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
