package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy answers ACME HTTP-01 challenges itself, on any host, before routing: a validation
 * request for a host with a route (or with none) never reaches an app.
 */
class AcmeChallengeIT {
  private final Routes routes = new Routes();
  private EdgeServer edge;

  @BeforeEach
  void start() {
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            routes,
            new InetSocketAddress("127.0.0.1", 9),
            new Metrics(),
            new Ids(InstantSource.system(), new Random(1)),
            1);
    edge.start();
    routes.replace(
        new RouteTable(
            List.of(new Route("app.test", "/", new Target.Redirect("https://elsewhere/", 301)))));
  }

  @AfterEach
  void stop() {
    edge.stop();
  }

  private String get(String host, String method, String path) throws IOException {
    try (var socket = new Socket("127.0.0.1", edge.address().getPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              (method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void answersAPublishedTokenOnAnyHostAndForgetsItWhenRemoved() throws IOException {
    edge.challenges().put("tok-EN_123", "tok-EN_123.thumbprint");
    for (String host : List.of("app.test", "unrouted.example.com", "app.test:8080")) {
      String reply = get(host, "GET", "/.well-known/acme-challenge/tok-EN_123");
      assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
      assertTrue(reply.contains("content-type: text/plain"), reply);
      assertTrue(reply.endsWith("\r\n\r\ntok-EN_123.thumbprint"), reply);
    }
    edge.challenges().remove("tok-EN_123");
    String gone = get("app.test", "GET", "/.well-known/acme-challenge/tok-EN_123");
    assertTrue(gone.startsWith("HTTP/1.1 404 "), gone);
  }

  @Test
  void unknownTokensAndPathTricksAre404AndOtherMethodsRouteAsUsual() throws IOException {
    edge.challenges().put("known", "known.key");
    for (String path :
        List.of(
            "/.well-known/acme-challenge/unknown",
            "/.well-known/acme-challenge/",
            "/.well-known/acme-challenge/known/extra",
            "/.well-known/acme-challenge/../known",
            "/.well-known/acme-challenge/" + "k".repeat(300))) {
      String reply = get("app.test", "GET", path);
      assertTrue(reply.startsWith("HTTP/1.1 404 "), path + ": " + reply);
      assertTrue(!reply.contains("known.key"), reply);
    }
    String post = get("app.test", "POST", "/.well-known/acme-challenge/known");
    assertTrue(post.startsWith("HTTP/1.1 301 "), post);
  }
}
