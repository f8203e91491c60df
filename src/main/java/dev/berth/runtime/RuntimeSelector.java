package dev.berth.runtime;

import dev.berth.core.ServeConfig.RuntimeKind;
import dev.berth.core.StartupException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Chooses the runtime: {@code auto} is docker when a Docker engine answers {@code GET /_ping} on
 * its socket ({@code DOCKER_HOST=unix://...} or {@code /var/run/docker.sock}) within a second, else
 * process. Asking for docker when no engine answers is a startup error.
 */
public final class RuntimeSelector {
  /** What was chosen and why, for the health answer and the start banner. */
  public record Choice(RuntimeKind kind, String detail) {}

  private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

  private RuntimeSelector() {}

  public static Choice choose(RuntimeKind requested, Optional<String> dockerHost) {
    Path socket = dockerSocket(dockerHost);
    return switch (requested) {
      case PROCESS -> new Choice(RuntimeKind.PROCESS, "requested");
      case DOCKER -> {
        if (!ping(socket)) {
          throw new StartupException(
              "--runtime docker: no Docker engine answers at "
                  + socket
                  + " (start dockerd, or use --runtime process)");
        }
        yield new Choice(RuntimeKind.DOCKER, "engine at " + socket);
      }
      case AUTO ->
          ping(socket)
              ? new Choice(RuntimeKind.DOCKER, "engine at " + socket)
              : new Choice(RuntimeKind.PROCESS, "no Docker engine at " + socket);
    };
  }

  static Path dockerSocket(Optional<String> dockerHost) {
    return dockerHost
        .filter(h -> h.startsWith("unix://"))
        .map(h -> Path.of(h.substring("unix://".length())))
        .orElse(Path.of("/var/run/docker.sock"));
  }

  /** True when the engine at {@code socket} answers its ping with 200 OK. */
  static boolean ping(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var answer = executor.submit(() -> pingNow(socket));
      return answer.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean pingNow(Path socket) throws IOException {
    try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      byte[] request =
          "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      channel.write(ByteBuffer.wrap(request));
      var buffer = ByteBuffer.allocate(1024);
      var answer = new StringBuilder();
      while (channel.read(buffer) > 0 && answer.length() < 4096) {
        buffer.flip();
        answer.append(StandardCharsets.US_ASCII.decode(buffer));
        buffer.clear();
      }
      String text = answer.toString();
      return text.startsWith("HTTP/1.") && text.contains(" 200 ") && text.endsWith("OK");
    }
  }
}
