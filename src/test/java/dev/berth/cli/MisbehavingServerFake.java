package dev.berth.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A fake of a hostile or broken Berth server, which the real one cannot be made into: problem
 * details that try to draw on the terminal, HTML error pages, empty 500s, answers that never come.
 * Each {@code "METHOD /path"} gets its canned {@link Answer}; anything else is an empty 404.
 */
final class MisbehavingServerFake implements AutoCloseable {
  /** What the fake sends back; {@link Hang} sends nothing until the fake is closed. */
  sealed interface Answer {}

  record Canned(int status, Map<String, String> headers, String body) implements Answer {}

  record Hang() implements Answer {}

  private final HttpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  MisbehavingServerFake(Map<String, Answer> answers) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // A hanging answer must not hold up the next request.
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> answer(exchange, answers));
    server.start();
  }

  /** A JSON body (problem+json for 4xx/5xx) given as raw text, so it can be malformed. */
  static Canned json(int status, String body) {
    return new Canned(
        status,
        Map.of("Content-Type", status >= 400 ? "application/problem+json" : "application/json"),
        body);
  }

  static Canned raw(int status, String contentType, String body) {
    return new Canned(status, Map.of("Content-Type", contentType), body);
  }

  private void answer(HttpExchange exchange, Map<String, Answer> answers) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
      switch (answers.getOrDefault(key, new Canned(404, Map.of(), ""))) {
        case Hang h -> awaitClose();
        case Canned c -> {
          c.headers().forEach(exchange.getResponseHeaders()::add);
          byte[] bytes = c.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(c.status(), bytes.length == 0 ? -1 : bytes.length);
          exchange.getResponseBody().write(bytes);
        }
      }
    }
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
