package dev.berth.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URN ({@code urn:berth:problem:<slug>}) that
 * clients may switch on; {@code title} is the same for every occurrence of a type; {@code detail}
 * explains this occurrence in plain words. Extensions carry machine-readable specifics (the
 * offending field, a retry time).
 */
public record Problem(
    String slug, String title, int status, String detail, Map<String, Object> extensions) {
  public static final String TYPE_PREFIX = "urn:berth:problem:";

  public Problem {
    extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
  }

  public static Problem of(String slug, String title, int status, String detail) {
    return new Problem(slug, title, status, detail, Map.of());
  }

  public Problem with(String key, Object value) {
    var extra = new LinkedHashMap<>(extensions);
    extra.put(key, value);
    return new Problem(slug, title, status, detail, extra);
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  /** The JSON body, with the request id so a user can quote it when reporting the problem. */
  public Map<String, Object> body(String requestId) {
    var body = new LinkedHashMap<String, Object>();
    body.put("type", type());
    body.put("title", title);
    body.put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    body.put("request_id", requestId);
    extensions.forEach(body::putIfAbsent);
    return body;
  }

  // The common problems every API shares. Domain problems are built in each XxxApi.
  public static Problem badRequest(String detail) {
    return of("bad-request", "Bad request", 400, detail);
  }

  public static Problem malformedJson(String detail) {
    return of("malformed-json", "Malformed JSON", 400, detail);
  }

  public static Problem unauthorized(String detail) {
    return of("unauthorized", "Authentication required", 401, detail);
  }

  public static Problem forbidden(String detail) {
    return of("forbidden", "Not allowed", 403, detail);
  }

  public static Problem notFound(String detail) {
    return of("not-found", "Not found", 404, detail);
  }

  public static Problem invalid(String field, String detail) {
    return of("validation", "Invalid input", 422, detail).with("field", field);
  }
}
