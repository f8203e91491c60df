package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.web.Access;
import dev.berth.web.Response;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping lets requests in flight finish, then closes the store cleanly. */
class GracefulStopIT {
  @Test
  void inFlightRequestsFinishAndTheStoreClosesCleanly() throws Exception {
    var berth = TestPlatform.start();
    var entered = new CountDownLatch(1);
    berth
        .platform()
        .router()
        .get(
            "/api/v1/test/slow",
            Access.PUBLIC,
            request -> {
              entered.countDown();
              Thread.sleep(1_000);
              return Response.ok(java.util.Map.of("done", true));
            });
    var reply =
        CompletableFuture.supplyAsync(
            () -> berth.send("GET", "/api/v1/test/slow", null, (String) null));
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    berth.platform().stop();
    var answered = reply.get(15, TimeUnit.SECONDS);
    assertEquals(200, answered.status(), "the request in flight was answered");
    if (berth.databaseUrl().isEmpty()) {
      assertFalse(
          Files.exists(berth.dataDir().resolve("berth.db-wal")),
          "the WAL was checkpointed into the database on close");
    }
    berth.restart(); // the lock was released: a new start on the same dir works
    assertEquals(200, berth.send("GET", "/api/v1/health", null, (String) null).status());
    berth.close();
  }
}
