package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static sites through the real proxy on port 0, spoken to over raw sockets. */
@Timeout(60)
class StaticFilesIT {
  @TempDir Path temp;
  private Path site;
  private final Routes routes = new Routes();
  private EdgeServer edge;
  private byte[] big;

  @BeforeEach
  void start() throws Exception {
    site = Files.createDirectories(temp.resolve("site"));
    Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
    Files.createDirectories(site.resolve("guide"));
    Files.writeString(site.resolve("guide/index.html"), "<h1>guide</h1>");
    Files.writeString(site.resolve("app.3f9a1c2b.js"), "console.log(1)");
    Files.writeString(site.resolve("index-BdX8_9aZ.css"), "body{}");
    Files.writeString(site.resolve("plain.css"), "p{color:red}\n".repeat(200));
    Files.writeString(site.resolve("notes.txt"), "hello notes");
    Files.writeString(site.resolve(".env"), "SECRET=1");
    Files.writeString(temp.resolve("outside.txt"), "outside secret");
    Files.createSymbolicLink(site.resolve("escape.txt"), temp.resolve("outside.txt"));
    Files.createSymbolicLink(site.resolve("escape"), temp);
    Files.createSymbolicLink(site.resolve("alias.txt"), site.resolve("notes.txt"));
    big = new byte[5 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    Files.write(site.resolve("movie.mp4"), big);
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            routes,
            new InetSocketAddress("127.0.0.1", 9),
            new Metrics(),
            new Ids(InstantSource.system(), new Random(1)),
            1,
            ProxyLimits.DEFAULTS.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    edge.start();
    routes.replace(
        new RouteTable(
            List.of(
                new Route("docs.test", "/", new Target.Static(site, false)),
                new Route("spa.test", "/", new Target.Static(site, true)),
                new Route("mixed.test", "/docs", new Target.Static(site, false)))));
  }

  @AfterEach
  void stop() {
    edge.stop();
  }

  @Test
  void servesFilesWithTheirTypesAndCaching() throws Exception {
    var home = get("docs.test", "/");
    assertEquals(200, home.status());
    assertEquals("<h1>home</h1>", home.text());
    assertEquals("text/html; charset=utf-8", home.header("content-type"));
    assertEquals("no-cache", home.header("cache-control"));
    assertTrue(home.header("etag").matches("\"[0-9a-f]+-[0-9a-f]+\""), home.header("etag"));
    assertTrue(home.header("last-modified").endsWith("GMT"));
    var js = get("docs.test", "/app.3f9a1c2b.js");
    assertEquals("text/javascript; charset=utf-8", js.header("content-type"));
    assertEquals("public, max-age=31536000, immutable", js.header("cache-control"));
    var css = get("docs.test", "/index-BdX8_9aZ.css");
    assertEquals("public, max-age=31536000, immutable", css.header("cache-control"));
    var txt = get("docs.test", "/notes.txt");
    assertEquals("text/plain; charset=utf-8", txt.header("content-type"));
    assertEquals("public, max-age=0, must-revalidate", txt.header("cache-control"));
    assertEquals("<h1>guide</h1>", get("docs.test", "/guide/").text());
    var slash = get("docs.test", "/guide?x=1");
    assertEquals(301, slash.status());
    assertEquals("/guide/?x=1", slash.header("location"));
    assertEquals("hello notes", get("docs.test", "/alias.txt").text());
    Files.createDirectories(site.resolve("evil.example"));
    assertEquals("/evil.example/", get("docs.test", "//evil.example").header("location"));
    assertEquals("hello notes", get("mixed.test", "/docs/notes.txt").text());
    assertEquals("<h1>home</h1>", get("mixed.test", "/docs/").text());
  }

  @Test
  void answers304ForTheSameVersion() throws Exception {
    var first = get("docs.test", "/notes.txt");
    String etag = first.header("etag");
    var again = send("docs.test", "GET", "/notes.txt", "If-None-Match: " + etag);
    assertEquals(304, again.status());
    assertEquals(0, again.body().length);
    assertEquals(etag, again.header("etag"));
    var other = send("docs.test", "GET", "/notes.txt", "If-None-Match: \"other\"");
    assertEquals(200, other.status());
    var since =
        send(
            "docs.test",
            "GET",
            "/notes.txt",
            "If-Modified-Since: " + first.header("last-modified"));
    assertEquals(304, since.status());
    var old =
        send("docs.test", "GET", "/notes.txt", "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT");
    assertEquals(200, old.status());
  }

  @Test
  void answersSingleRanges() throws Exception {
    var part = send("docs.test", "GET", "/movie.mp4", "Range: bytes=100-199");
    assertEquals(206, part.status());
    assertEquals("bytes 100-199/" + big.length, part.header("content-range"));
    assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 200), part.body());
    var tail = send("docs.test", "GET", "/movie.mp4", "Range: bytes=-10");
    assertArrayEquals(java.util.Arrays.copyOfRange(big, big.length - 10, big.length), tail.body());
    var open = send("docs.test", "GET", "/movie.mp4", "Range: bytes=" + (big.length - 70000) + "-");
    assertEquals(206, open.status());
    assertEquals(70000, open.body().length);
    var beyond = send("docs.test", "GET", "/movie.mp4", "Range: bytes=" + big.length + "-");
    assertEquals(416, beyond.status());
    assertEquals("bytes */" + big.length, beyond.header("content-range"));
    var several = send("docs.test", "GET", "/notes.txt", "Range: bytes=0-1,3-4");
    assertEquals(200, several.status());
    var stale = send("docs.test", "GET", "/notes.txt", "Range: bytes=0-1", "If-Range: \"x\"");
    assertEquals(200, stale.status());
  }

  @Test
  void streamsLargeFilesAndKeepsTheConnectionForPipelinedRequests() throws Exception {
    try (var socket = connect()) {
      String request = "GET /movie.mp4 HTTP/1.1\r\nHost: docs.test\r\n\r\n";
      String next = "GET /notes.txt HTTP/1.1\r\nHost: docs.test\r\n\r\n";
      socket.getOutputStream().write((request + next + request).getBytes(StandardCharsets.UTF_8));
      var in = socket.getInputStream();
      var movie = Reply.read(in, false);
      assertEquals(200, movie.status());
      assertArrayEquals(big, movie.body());
      assertEquals("hello notes", Reply.read(in, false).text());
      assertArrayEquals(big, Reply.read(in, false).body());
    }
  }

  @Test
  void headAnswersTheHeadersOnly() throws Exception {
    try (var socket = connect()) {
      write(socket, "HEAD /movie.mp4 HTTP/1.1\r\nHost: docs.test\r\n\r\n");
      var head = Reply.read(socket.getInputStream(), true);
      assertEquals(200, head.status());
      assertEquals(String.valueOf(big.length), head.header("content-length"));
      write(socket, "GET /notes.txt HTTP/1.1\r\nHost: docs.test\r\n\r\n");
      assertEquals("hello notes", Reply.read(socket.getInputStream(), false).text());
    }
  }

  @Test
  void choosesPrecompressedSiblingsAndGzipsTextItself() throws Exception {
    Files.writeString(site.resolve("notes.txt.br"), "brotli bytes");
    Files.write(site.resolve("notes.txt.gz"), gzip("hello notes".getBytes(StandardCharsets.UTF_8)));
    var br = send("docs.test", "GET", "/notes.txt", "Accept-Encoding: gzip, br");
    assertEquals("br", br.header("content-encoding"));
    assertEquals("brotli bytes", br.text());
    assertEquals("Accept-Encoding", br.header("vary"));
    var gz = send("docs.test", "GET", "/notes.txt", "Accept-Encoding: gzip, br;q=0");
    assertEquals("gzip", gz.header("content-encoding"));
    assertEquals("hello notes", new String(gunzip(gz.body()), StandardCharsets.UTF_8));
    var none = send("docs.test", "GET", "/notes.txt");
    assertNull(none.header("content-encoding"));
    assertEquals("hello notes", none.text());
    assertTrue(!br.header("etag").equals(none.header("etag")));
    var live = send("docs.test", "GET", "/plain.css", "Accept-Encoding: gzip");
    assertEquals("gzip", live.header("content-encoding"));
    assertEquals(
        Files.readString(site.resolve("plain.css")),
        new String(gunzip(live.body()), StandardCharsets.UTF_8));
    assertTrue(live.body().length < 300, "gzipped to " + live.body().length);
    var small = send("docs.test", "GET", "/app.3f9a1c2b.js", "Accept-Encoding: gzip");
    assertNull(small.header("content-encoding"));
  }

  @Test
  void fallsBackToTheAppShellOnlyForSpaRoutes() throws Exception {
    assertEquals("<h1>home</h1>", get("spa.test", "/settings/profile").text());
    assertEquals(404, get("spa.test", "/missing.js").status());
    assertEquals(404, get("docs.test", "/settings/profile").status());
    var json = send("docs.test", "GET", "/nope.txt", "Accept: application/json");
    assertEquals(404, json.status());
    assertTrue(json.text().contains("\"type\":\"urn:berth:problem:not-found\""), json.text());
  }

  @Test
  void answersOnlyGetAndHead() throws Exception {
    var post = send("docs.test", "POST", "/notes.txt", "Content-Length: 3", "", "abc");
    assertEquals(405, post.status());
    assertEquals("GET, HEAD", post.header("allow"));
    assertEquals(405, send("docs.test", "DELETE", "/notes.txt").status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/%2E%2E%2Foutside.txt",
        "/guide/..%2f..%2foutside.txt",
        "/..%5coutside.txt",
        "/guide/%5c..%5c..%5coutside.txt",
        "/notes.txt%00.html",
        "/.env",
        "/%2eenv",
        "/escape.txt",
        "/escape/outside.txt",
        "/%ff%fe",
        "/%zz",
        "/guide/../../outside.txt"
      })
  void neverServesAFileOutsideTheFolder(String path) throws Exception {
    var reply = get("docs.test", path);
    assertTrue(reply.status() == 400 || reply.status() == 404, path + " → " + reply.status());
    assertTrue(!reply.text().contains("outside secret") && !reply.text().contains("SECRET"));
  }

  @Test
  void decodesOnlyOnce() throws Exception {
    Files.writeString(site.resolve("a b.txt"), "spaced");
    assertEquals("spaced", get("docs.test", "/a%20b.txt").text());
    assertEquals(404, get("docs.test", "/%252e%252e/outside.txt").status());
  }

  private Reply get(String host, String path) throws Exception {
    return send(host, "GET", path);
  }

  private Reply send(String host, String method, String path, String... extra) throws Exception {
    var text = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    String body = "";
    for (int i = 0; i < extra.length; i++) {
      if (extra[i].isEmpty()) {
        body = extra[i + 1];
        break;
      }
      text.append(extra[i]).append("\r\n");
    }
    text.append("Connection: close\r\n\r\n").append(body);
    try (var socket = connect()) {
      write(socket, text.toString());
      return Reply.read(socket.getInputStream(), method.equals("HEAD"));
    }
  }

  private Socket connect() throws Exception {
    var socket = new Socket("127.0.0.1", edge.address().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  static byte[] gzip(byte[] plain) throws Exception {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] packed) throws Exception {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
      return in.readAllBytes();
    }
  }

  record Reply(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    static Reply read(InputStream in, boolean headOnly) throws Exception {
      var headers = new HashMap<String, String>();
      int status = Integer.parseInt(line(in).split(" ")[1]);
      String line;
      while (!(line = line(in)).isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = headOnly || status == 304 ? new byte[0] : in.readNBytes(length);
      return new Reply(status, headers, body);
    }

    private static String line(InputStream in) throws Exception {
      var out = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          out.write(c);
        }
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
