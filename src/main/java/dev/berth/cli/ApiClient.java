package dev.berth.cli;

import dev.berth.core.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client side of the console API: one JSON request, one answer. Answers of 400 and above become
 * a {@link CliException} built from the RFC 9457 problem body, and network failures become {@link
 * CliError.Unreachable}, so commands only ever handle success.
 */
final class ApiClient implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final Optional<String> token;
  private final Duration requestTimeout;
  private final HttpClient http;

  /** A successful answer; {@code body} is parsed JSON, or null when there was none. */
  record Reply(int status, Map<String, List<String>> headers, Object body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      return body instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** A cookie the server set, e.g. the session cookie a sign-in returns. */
    Optional<String> cookie(String name) {
      for (var entry : headers.entrySet()) {
        if (!entry.getKey().equalsIgnoreCase("set-cookie")) {
          continue;
        }
        for (String header : entry.getValue()) {
          String pair = header.split(";", 2)[0].strip();
          if (pair.startsWith(name + "=")) {
            return Optional.of(pair.substring(name.length() + 1));
          }
        }
      }
      return Optional.empty();
    }
  }

  ApiClient(String baseUrl, Optional<String> token) {
    this(baseUrl, token, REQUEST_TIMEOUT);
  }

  ApiClient(String baseUrl, Optional<String> token, Duration requestTimeout) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(
                CONNECT_TIMEOUT.compareTo(requestTimeout) < 0 ? CONNECT_TIMEOUT : requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  String baseUrl() {
    return baseUrl;
  }

  Reply get(String path) {
    return send("GET", path, null, Map.of());
  }

  Reply post(String path, Object body) {
    return send("POST", path, body, Map.of());
  }

  Reply put(String path, Object body) {
    return send("PUT", path, body, Map.of());
  }

  Reply delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** Sends one request; {@code body} is written as JSON when not null. */
  Reply send(String method, String path, Object body, Map<String, String> headers) {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json, application/problem+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    headers.forEach(request::header);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CliException(new CliError.Unreachable(baseUrl, reason(e, requestTimeout)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(new CliError.Unreachable(baseUrl, "interrupted"));
    }
    int status = response.statusCode();
    if (status >= 400) {
      throw new CliException(failure(status, response.body()));
    }
    return new Reply(status, response.headers().map(), parse(response.body()));
  }

  private static Object parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return Json.parse(body);
    } catch (Json.ParseException e) {
      throw new CliException(new CliError.Failed("the server's answer is not JSON"));
    }
  }

  /** A 4xx/5xx answer as an error: the problem's detail, else its title, else the status. */
  static CliError failure(int status, byte[] body) {
    String detail = null;
    String title = null;
    try {
      if (Json.parse(body) instanceof Map<?, ?> problem) {
        detail = problem.get("detail") instanceof String s && !s.isBlank() ? s : null;
        title = problem.get("title") instanceof String s && !s.isBlank() ? s : null;
      }
    } catch (Json.ParseException e) {
      // Not problem+json (a proxy's HTML error page, say): fall back to the status.
    }
    String text = detail != null ? detail : title;
    if (status == 401 || status == 403) {
      return new CliError.NotSignedIn(status, text);
    }
    return new CliError.Refused(status, text != null ? text : "the server answered HTTP " + status);
  }

  static String reason(IOException e, Duration timeout) {
    return switch (e) {
      case HttpConnectTimeoutException t -> "connection timed out";
      case HttpTimeoutException t ->
          "no answer within "
              + (timeout.toMillis() % 1000 == 0
                  ? timeout.toSeconds() + " s"
                  : timeout.toMillis() + " ms");
      case ConnectException c -> "connection refused";
      case UnknownHostException u -> "unknown host";
      default -> {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
          cause = cause.getCause();
        }
        yield cause instanceof ConnectException
            ? "connection refused"
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      }
    };
  }

  /** One path segment, percent-encoded so a name like {@code ../x} stays inside its segment. */
  static String segment(String value) {
    var out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** A request body in the order given; optional fields that are null are left out. */
  static Map<String, Object> body(Object... keysAndValues) {
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        map.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return map;
  }

  @Override
  public void close() {
    http.close();
  }
}
