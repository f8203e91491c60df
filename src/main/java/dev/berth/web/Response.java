package dev.berth.web;

import dev.berth.core.Json;
import dev.berth.core.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a handler answers: a status, headers, and a body given whole or written as a stream. */
public final class Response {
  /** Writes a body of unknown length (server-sent events, git, downloads). */
  @FunctionalInterface
  public interface StreamBody {
    void write(OutputStream out) throws IOException;
  }

  private final int status;
  private final List<Map.Entry<String, String>> headers = new ArrayList<>();
  private final byte[] body;
  private final StreamBody stream;
  private Problem problem;

  private Response(int status, String contentType, byte[] body, StreamBody stream) {
    this.status = status;
    this.body = body;
    this.stream = stream;
    if (contentType != null) {
      headers.add(Map.entry("Content-Type", contentType));
    }
  }

  public static Response json(int status, Object value) {
    return new Response(status, "application/json", Json.bytes(value), null);
  }

  public static Response ok(Object value) {
    return json(200, value);
  }

  public static Response noContent() {
    return new Response(204, null, null, null);
  }

  public static Response text(int status, String contentType, String text) {
    return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8), null);
  }

  public static Response bytes(int status, String contentType, byte[] bytes) {
    return new Response(status, contentType, bytes, null);
  }

  public static Response stream(int status, String contentType, StreamBody body) {
    return new Response(status, contentType, null, body);
  }

  /** A problem+json answer carrying the request id. */
  public static Response problem(Problem problem, String requestId) {
    var response =
        new Response(
            problem.status(),
            "application/problem+json",
            Json.bytes(problem.body(requestId)),
            null);
    response.problem = problem;
    return response;
  }

  public Response header(String name, String value) {
    headers.add(Map.entry(name, value));
    return this;
  }

  public int status() {
    return status;
  }

  List<Map.Entry<String, String>> headers() {
    return headers;
  }

  byte[] body() {
    return body;
  }

  StreamBody stream() {
    return stream;
  }

  /** The problem this response carries, if it is one (for logs and metrics). */
  public Problem problemOrNull() {
    return problem;
  }
}
