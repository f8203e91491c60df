package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import dev.berth.core.Ids;
import dev.berth.core.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket pass-through: the JDK's WebSocket client, through the proxy, to a Netty echo server
 * (text and binary frames echoed; the text "bye" makes the server hang up).
 */
@Timeout(60)
class WebSocketIT {
  private static final int MIB = 1024 * 1024;
  private final Routes routes = new Routes();
  private EventLoopGroup echoLoop;
  private Channel echo;
  private EdgeServer edge;
  private HostPort echoInstance;

  @BeforeEach
  void start() throws Exception {
    echoLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    echo =
        new ServerBootstrap()
            .group(echoLoop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/ws")
                                    .maxFramePayloadLength(4 * MIB)
                                    .build()),
                            new WebSocketFrameAggregator(4 * MIB),
                            new Echo());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    int port = ((InetSocketAddress) echo.localAddress()).getPort();
    echoInstance = new HostPort("127.0.0.1", port);
    edge =
        new EdgeServer(
            new HostPort("127.0.0.1", 0),
            routes,
            new InetSocketAddress("127.0.0.1", port),
            new Metrics(),
            new Ids(InstantSource.system(), new Random(1)),
            1,
            ProxyLimits.DEFAULTS);
    edge.start();
    routes.replace(
        new RouteTable(
            List.of(
                new Route(
                    "127.0.0.1",
                    "/",
                    new Target.Upstreams(List.of(echoInstance), Target.Balance.ROUND_ROBIN)))));
  }

  @AfterEach
  void stop() {
    edge.stop();
    echo.close().syncUninterruptibly();
    echoLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Echoes every data frame; "bye" closes the connection without a close frame. */
  private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        if (text.text().equals("bye")) {
          ctx.close();
          return;
        }
        ctx.writeAndFlush(new TextWebSocketFrame(text.text()));
      } else if (frame instanceof BinaryWebSocketFrame binary) {
        ctx.writeAndFlush(new BinaryWebSocketFrame(binary.content().retain()));
      }
    }
  }

  /** Collects whole messages and the end of the connection. */
  private static final class Collector implements WebSocket.Listener {
    final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<String> ended = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      ended.complete("close " + status);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      ended.complete("error " + error);
    }
  }

  private WebSocket open(Collector listener) throws Exception {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + edge.address().getPort() + "/ws"), listener)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void messagesEchoBothWaysThroughTheProxy() throws Exception {
    var listener = new Collector();
    var ws = open(listener);
    for (int i = 0; i < 20; i++) {
      ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
      assertEquals("hello " + i, listener.messages.poll(5, TimeUnit.SECONDS));
    }
    assertEquals(1, edge.balancer().inFlight(echoInstance), "an open tunnel is in flight");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    assertTrue(listener.ended.get(5, TimeUnit.SECONDS).startsWith("close"));
    waitForInFlight(0);
  }

  @Test
  void aMebibyteMessageStreamsBothWays() throws Exception {
    var listener = new Collector();
    var ws = open(listener);
    byte[] big = new byte[MIB];
    new Random(7).nextBytes(big);
    for (int round = 0; round < 3; round++) {
      ws.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
      assertArrayEquals(big, (byte[]) listener.messages.poll(10, TimeUnit.SECONDS));
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }

  @Test
  void theAppClosingEndsTheClientsConnection() throws Exception {
    var listener = new Collector();
    var ws = open(listener);
    ws.sendText("bye", true).get(5, TimeUnit.SECONDS);
    String ended = listener.ended.get(10, TimeUnit.SECONDS);
    assertTrue(ended.startsWith("close") || ended.startsWith("error"), ended);
    waitForInFlight(0);
  }

  @Test
  void theClientClosingEndsTheAppsConnection() throws Exception {
    var listener = new Collector();
    var ws = open(listener);
    ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
    assertEquals("ping", listener.messages.poll(5, TimeUnit.SECONDS));
    ws.abort(); // no close frame: the TCP connection just goes away
    waitForInFlight(0);
  }

  @Test
  void closeActiveEndsATunnel() throws Exception {
    var listener = new Collector();
    var ws = open(listener);
    ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
    assertEquals("ping", listener.messages.poll(5, TimeUnit.SECONDS));
    edge.balancer().closeActive(echoInstance);
    String ended = listener.ended.get(10, TimeUnit.SECONDS);
    assertTrue(ended.startsWith("close") || ended.startsWith("error"), ended);
    waitForInFlight(0);
  }

  @Test
  void anUpgradeTheAppRefusesIsAnOrdinaryResponse() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", edge.address().getPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                      + "Upgrade: websocket\r\nSec-WebSocket-Version: 99\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var reply = EdgeServerIT.Reply.head(socket.getInputStream());
      // The app refuses this version: its answer comes back as an ordinary response.
      assertEquals("426", reply.get(":status"), reply.toString());
    }
    waitForInFlight(0);
  }

  private void waitForInFlight(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (edge.balancer().inFlight(echoInstance) != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, edge.balancer().inFlight(echoInstance));
  }
}
