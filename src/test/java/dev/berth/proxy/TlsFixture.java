package dev.berth.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The proxy with both listeners on port 0 in front of a JDK HTTP server that records what it was
 * sent, and certificates for {@code app.test}, {@code other.test} and {@code *.wild.test}.
 */
final class TlsFixture implements AutoCloseable {
  final Metrics metrics = new Metrics();
  final Routes routes = new Routes();
  final CertificateBook book = new CertificateBook();
  final Map<String, String> seen = new ConcurrentHashMap<>();
  final AtomicInteger backendRequests = new AtomicInteger();
  final CertificateBook.Entry app;
  final CertificateBook.Entry other;
  final CertificateBook.Entry wild;
  final HttpServer backend;
  final EdgeServer edge;

  private static List<CertificateBook.Entry> made;

  /** keytool takes a second per certificate: made once per test JVM. */
  static synchronized List<CertificateBook.Entry> certificates() throws Exception {
    if (made == null) {
      Path dir = java.nio.file.Files.createTempDirectory("berth-tls-test");
      made =
          List.of(
              TestCertificates.make(dir, "app.test", "app.test"),
              TestCertificates.make(dir, "other.test", "other.test"),
              TestCertificates.make(dir, "*.wild.test", "*.wild.test"));
    }
    return made;
  }

  TlsFixture() throws Exception {
    this(ProxyLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(10)));
  }

  TlsFixture(ProxyLimits limits) throws Exception {
    var certificates = certificates();
    app = certificates.get(0);
    other = certificates.get(1);
    wild = certificates.get(2);
    book.replaceAll(List.of(app, other, wild));
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          backendRequests.incrementAndGet();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> seen.put(k.toLowerCase(), String.join(",", v)));
          String path = exchange.getRequestURI().getPath();
          if (path.startsWith("/slow")) {
            sleep(300);
          }
          byte[] body = exchange.getRequestBody().readAllBytes();
          String query = exchange.getRequestURI().getRawQuery();
          byte[] out =
              ("hello " + path + (query == null ? "" : "?" + query) + " " + body.length)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Connection", "keep-alive");
          exchange.sendResponseHeaders(200, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    backend.start();
    var upstream =
        new Target.Upstreams(
            List.of(new HostPort("127.0.0.1", backend.getAddress().getPort())),
            Target.Balance.ROUND_ROBIN);
    routes.replace(
        new RouteTable(
            List.of(
                new Route("app.test", "/", upstream),
                new Route("other.test", "/", upstream),
                new Route("*.wild.test", "/", upstream),
                new Route("plain.test", "/", upstream),
                new Route("127.0.0.1", "/", upstream))));
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            new HostPort("127.0.0.1", 0),
            book,
            routes,
            new InetSocketAddress("127.0.0.1", backend.getAddress().getPort()),
            metrics,
            new Ids(InstantSource.system(), new Random(1)),
            2,
            limits,
            AccessSink.NONE);
    edge.start();
  }

  int httpPort() {
    return edge.address().getPort();
  }

  String edgeHttps() {
    return "https://127.0.0.1:" + httpsPort();
  }

  int httpsPort() {
    return edge.tlsAddress().getPort();
  }

  /** A TLS connection to the HTTPS listener that names {@code sni} and offers {@code alpn}. */
  SSLSocket tls(String sni, SSLContext trust, String... alpn) throws Exception {
    var socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", httpsPort());
    socket.setSoTimeout(10_000);
    var params = socket.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(sni)));
    if (alpn.length > 0) {
      params.setApplicationProtocols(alpn);
    }
    socket.setSSLParameters(params);
    socket.startHandshake();
    return socket;
  }

  SSLContext trustAll() throws Exception {
    return TestCertificates.trusting(app, other, wild);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    edge.stop();
    backend.stop(0);
  }
}
