package dev.berth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ServeConfig.RuntimeKind;
import dev.berth.core.StartupException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talks to the real Docker engine when there is one. With {@code BERTH_REQUIRE_DOCKER=1} (CI) a
 * missing engine is a failure, not a skip.
 */
class RuntimeSelectorTest {
  @TempDir Path temp;

  @Test
  void processIsAlwaysAvailable() {
    assertEquals(
        RuntimeKind.PROCESS, RuntimeSelector.choose(RuntimeKind.PROCESS, Optional.empty()).kind());
  }

  @Test
  void autoFallsBackToProcessWithoutAnEngine() {
    var host = Optional.of("unix://" + temp.resolve("no-such.sock"));
    var choice = RuntimeSelector.choose(RuntimeKind.AUTO, host);
    assertEquals(RuntimeKind.PROCESS, choice.kind());
    assertTrue(choice.detail().contains("no Docker engine"));
    var e =
        assertThrows(
            StartupException.class, () -> RuntimeSelector.choose(RuntimeKind.DOCKER, host));
    assertTrue(e.getMessage().contains("no Docker engine answers"));
  }

  @Test
  void autoPicksDockerWhenTheEngineAnswers() {
    var host = Optional.ofNullable(System.getenv("DOCKER_HOST"));
    boolean engine = RuntimeSelector.ping(RuntimeSelector.dockerSocket(host));
    if ("1".equals(System.getenv("BERTH_REQUIRE_DOCKER"))) {
      assertTrue(engine, "BERTH_REQUIRE_DOCKER=1 but no Docker engine answers");
    }
    var expected = engine ? RuntimeKind.DOCKER : RuntimeKind.PROCESS;
    assertEquals(expected, RuntimeSelector.choose(RuntimeKind.AUTO, host).kind());
  }
}
