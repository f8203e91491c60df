package dev.berth.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.core.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake console that answers with canned JSON and records each request, so the client commands'
 * request shapes can be checked before the real endpoints exist. {@code CliIT} runs the same
 * commands against the real platform.
 */
final class FakeConsole implements AutoCloseable {
  record Seen(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      var values = headers.get(name);
      return values == null ? null : values.getFirst();
    }
  }

  record Canned(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeConsole(Map<String, Canned> answers) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> answer(exchange, answers));
    server.start();
  }

  static Canned json(int status, Object body) {
    return new Canned(status, Map.of(), Json.write(body));
  }

  private void answer(HttpExchange exchange, Map<String, Canned> answers) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
    seen.add(
        new Seen(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            exchange.getRequestHeaders(),
            body));
    var canned =
        answers.getOrDefault(
            key, json(404, Map.of("title", "Not found", "detail", "no fake for " + key)));
    canned.headers().forEach(exchange.getResponseHeaders()::add);
    byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
    if (canned.status() == 204) {
      exchange.sendResponseHeaders(204, -1);
    } else {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(canned.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
