package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import java.io.EOFException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's clocks, retries, access records and failure answers, against backends that misbehave
 * on purpose (raw sockets that never answer, close early or stop reading).
 */
@Timeout(60)
class DataPlaneIT {
  private final Routes routes = new Routes();
  private final List<AccessRecord> access = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private HttpServer backend;
  private EdgeServer edge;

  @BeforeEach
  void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          byte[] in = exchange.getRequestBody().readAllBytes();
          byte[] out = ("got " + in.length).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    backend.start();
    var limits =
        ProxyLimits.DEFAULTS.withClocks(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofMillis(700),
            Duration.ofSeconds(2));
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            routes,
            new InetSocketAddress("127.0.0.1", backend.getAddress().getPort()),
            new Metrics(),
            new Ids(InstantSource.system(), new Random(1)),
            1,
            limits,
            access::add);
    edge.start();
    route("app.test", "127.0.0.1", backend.getAddress().getPort());
  }

  @AfterEach
  void stop() throws Exception {
    edge.stop();
    backend.stop(0);
    for (var c : closing) {
      c.close();
    }
  }

  private void route(String host, String upstreamHost, int port) {
    var table = new ArrayList<Route>(routes.current().routes());
    table.removeIf(r -> r.host().equals(host));
    table.add(
        new Route(
            host,
            "/",
            new Target.Upstreams(
                List.of(new HostPort(upstreamHost, port)), Target.Balance.ROUND_ROBIN)));
    routes.replace(new RouteTable(table));
  }

  private Socket connect() throws Exception {
    var socket = new Socket("127.0.0.1", edge.address().getPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void send(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Milliseconds until the proxy closes {@code socket} (reading and dropping what it sends). */
  private static long closesWithin(Socket socket) throws Exception {
    long start = System.nanoTime();
    var in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // drain
      }
    } catch (SocketException reset) {
      // a reset is a close too
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /**
   * A request counts as in flight on its instance from the moment it is sent there, while its
   * connection is still being made: a drain that looked then and saw nothing would report an
   * instance done that is about to get a request.
   */
  @Test
  void aRequestStillConnectingCountsAsInFlight() throws Exception {
    // A listener that never accepts, its queue filled: the next connection attempt hangs.
    var blackHole = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    closing.add(blackHole);
    for (int i = 0; i < 4; i++) {
      var filler = new Socket();
      closing.add(filler);
      try {
        filler.connect(blackHole.getLocalSocketAddress(), 200);
      } catch (java.io.IOException e) {
        break; // the queue is full
      }
    }
    var instance = new HostPort("127.0.0.1", blackHole.getLocalPort());
    route("slow.test", instance.host(), instance.port());
    var socket = connect();
    closing.add(socket);
    send(socket, "GET / HTTP/1.1\r\nHost: slow.test\r\n\r\n");
    long deadline = System.nanoTime() + Duration.ofMillis(800).toNanos();
    while (edge.balancer().inFlight(instance) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, edge.balancer().inFlight(instance), "counted while connecting");
    String reply = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    assertEquals("HTTP/1.1 504", reply, "the connect timeout answers");
    assertEquals(0, edge.balancer().inFlight(instance), "and the count ends with the request");
  }

  @Test
  void routesToAnUpstreamNamedLocalhost() throws Exception {
    route("named.test", "localhost", backend.getAddress().getPort());
    try (var socket = connect()) {
      for (int i = 0; i < 3; i++) {
        send(socket, "GET / HTTP/1.1\r\nHost: named.test\r\n\r\n");
        assertEquals(200, EdgeServerIT.Reply.read(socket.getInputStream()).status());
      }
    }
  }

  @Test
  void aBadChunkAfterTheFirstIsAnswered400() throws Exception {
    try (var socket = connect()) {
      send(
          socket,
          "POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      Thread.sleep(200); // the head and first chunk are on their way upstream
      send(socket, "zz\r\nabc\r\n0\r\n\r\n");
      var reply = EdgeServerIT.Reply.read(socket.getInputStream());
      assertEquals(400, reply.status());
      assertEquals("close", reply.headers().get("connection"));
    }
  }

  @Test
  void aClientThatStopsSendingItsBodyGets408AndTheUpstreamIsFreed() throws Exception {
    try (var silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      var upstreamEof = new AtomicInteger();
      Thread.ofVirtual()
          .start(
              () -> {
                try (var s = silent.accept()) {
                  var in = s.getInputStream();
                  while (in.read() >= 0) {
                    // take the head and what body comes
                  }
                  upstreamEof.incrementAndGet();
                } catch (Exception e) {
                  upstreamEof.incrementAndGet();
                }
              });
      route("slow.test", "127.0.0.1", silent.getLocalPort());
      try (var socket = connect()) {
        send(socket, "POST / HTTP/1.1\r\nHost: slow.test\r\nContent-Length: 100\r\n\r\n0123456789");
        var reply = EdgeServerIT.Reply.read(socket.getInputStream());
        assertEquals(408, reply.status());
        assertTrue(closesWithin(socket) < 3000);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (upstreamEof.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, upstreamEof.get(), "the upstream connection was not closed");
    }
    assertTrue(access.stream().anyMatch(r -> r.status() == 408 && r.host().equals("slow.test")));
  }

  @Test
  void anUnfinishedHeadIsClosedAfterTheHeaderTimeout() throws Exception {
    try (var socket = connect()) {
      send(socket, "GET / HTTP/1.1\r\nHo");
      long took = closesWithin(socket);
      assertTrue(took >= 800 && took < 4000, "closed after " + took + " ms");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosed() throws Exception {
    try (var socket = connect()) {
      send(socket, "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals(200, EdgeServerIT.Reply.read(socket.getInputStream()).status());
      long took = closesWithin(socket);
      assertTrue(took >= 800 && took < 4000, "closed after " + took + " ms");
    }
  }

  @Test
  void anUpstreamThatNeverAnswersGets504() throws Exception {
    try (var mute = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      var held = new CopyOnWriteArrayList<Socket>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    held.add(mute.accept()); // accepted, never answered
                  }
                } catch (Exception e) {
                  // closed by the test
                }
              });
      route("mute.test", "127.0.0.1", mute.getLocalPort());
      try (var socket = connect()) {
        long start = System.nanoTime();
        send(socket, "GET / HTTP/1.1\r\nHost: mute.test\r\nAccept: application/json\r\n\r\n");
        var reply = EdgeServerIT.Reply.read(socket.getInputStream());
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, reply.status());
        assertTrue(reply.body().contains("urn:berth:problem:gateway-timeout"));
        assertTrue(took >= 800 && took < 4000, "answered after " + took + " ms");
      }
      for (var s : held) {
        s.close();
      }
    }
  }

  @Test
  void anUpstreamWhoseBacklogIsFullGets504AfterTheConnectTimeout() throws Exception {
    // A listening socket nobody accepts from: once its backlog is full, the kernel drops SYNs.
    var full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    closing.add(full);
    var fillers = new ArrayList<Socket>();
    try {
      for (int i = 0; i < 8; i++) {
        var s = new Socket();
        s.connect(full.getLocalSocketAddress(), 200);
        fillers.add(s);
      }
    } catch (SocketTimeoutException expected) {
      // the backlog is full now
    }
    route("full.test", "127.0.0.1", full.getLocalPort());
    try (var socket = connect()) {
      long start = System.nanoTime();
      send(socket, "GET / HTTP/1.1\r\nHost: full.test\r\n\r\n");
      var reply = EdgeServerIT.Reply.read(socket.getInputStream());
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(504, reply.status());
      assertTrue(took >= 800 && took < 4000, "answered after " + took + " ms");
    } finally {
      for (var s : fillers) {
        s.close();
      }
    }
  }

  @Test
  void aPooledConnectionTheAppClosedIsRetriedOnceOnAFreshOne() throws Exception {
    var requests = new AtomicInteger();
    var server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    closing.add(server);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  var s = server.accept();
                  Thread.ofVirtual().start(() -> answerOnceThenDropTheNext(s, requests));
                }
              } catch (Exception e) {
                // closed by the test
              }
            });
    route("flaky.test", "127.0.0.1", server.getLocalPort());
    try (var socket = connect()) {
      for (int i = 0; i < 3; i++) {
        send(socket, "GET /x HTTP/1.1\r\nHost: flaky.test\r\n\r\n");
        var reply = EdgeServerIT.Reply.read(socket.getInputStream());
        assertEquals(200, reply.status(), "request " + i);
      }
      // With a body already sent upstream, the same failure is a 502: the app may have used it.
      send(socket, "POST /x HTTP/1.1\r\nHost: flaky.test\r\nContent-Length: 3\r\n\r\nabc");
      assertEquals(502, EdgeServerIT.Reply.read(socket.getInputStream()).status());
    }
  }

  /** Answers the first request on a connection, then reads the next head and hangs up. */
  private static void answerOnceThenDropTheNext(Socket s, AtomicInteger requests) {
    try (s) {
      var in = s.getInputStream();
      readHead(in);
      requests.incrementAndGet();
      s.getOutputStream()
          .write(
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      readHead(in);
    } catch (Exception e) {
      // the proxy closed first: fine
    }
  }

  private static void readHead(InputStream in) throws Exception {
    int last4 = 0;
    int c;
    while ((c = in.read()) >= 0) {
      last4 = (last4 << 8) | c;
      if (last4 == 0x0d0a0d0a) {
        return;
      }
    }
    throw new EOFException();
  }

  @Test
  void everyFinishedRequestIsRecordedOnce() throws Exception {
    try (var socket = connect()) {
      send(
          socket,
          "POST /up?q=1 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nX-Request-Id: rid-1\r\n"
              + "\r\nhello");
      assertEquals("got 5", EdgeServerIT.Reply.read(socket.getInputStream()).body());
      send(socket, "GET /nowhere HTTP/1.1\r\nHost: nothing.test\r\n\r\n");
      var notFound = EdgeServerIT.Reply.read(socket.getInputStream());
      assertEquals(404, notFound.status());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (access.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertEquals(2, access.size(), access.toString());
    var proxied = access.get(0);
    assertEquals("app.test", proxied.host());
    assertEquals("POST", proxied.method());
    assertEquals("/up", proxied.path());
    assertEquals(200, proxied.status());
    assertEquals(5, proxied.bytesOut());
    assertEquals("127.0.0.1:" + backend.getAddress().getPort(), proxied.upstream());
    assertEquals("127.0.0.1", proxied.client());
    assertEquals("rid-1", proxied.requestId());
    assertTrue(proxied.durationMicros() > 0);
    var local = access.get(1);
    assertEquals(404, local.status());
    assertNull(local.upstream());
    assertTrue(local.bytesOut() > 0);
    assertNotNull(local.requestId());
  }

  @Test
  void aRefusedRequestIsRecordedToo() throws Exception {
    try (var socket = connect()) {
      send(socket, "GET /a?b HTTP/1.1\r\nHost: app.test:99999\r\n\r\n");
      assertEquals(400, EdgeServerIT.Reply.read(socket.getInputStream()).status());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (access.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertEquals(1, access.size(), access.toString());
    assertEquals(400, access.get(0).status());
    assertEquals("/a", access.get(0).path());
    assertNull(access.get(0).upstream());
  }

  @Test
  void aHeadAnswerHasNoBodyAndTheConnectionGoesOn() throws Exception {
    try (var socket = connect()) {
      send(socket, "HEAD / HTTP/1.1\r\nHost: app.test\r\n\r\n");
      var head = EdgeServerIT.Reply.head(socket.getInputStream());
      assertEquals("200", head.get(":status"));
      send(socket, "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
      var reply = EdgeServerIT.Reply.read(socket.getInputStream());
      assertEquals(200, reply.status());
      assertEquals("got 0", reply.body());
    }
  }
}
