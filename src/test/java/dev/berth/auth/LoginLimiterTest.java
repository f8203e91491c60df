package dev.berth.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
  /** A clock the test moves by hand. */
  static final class ManualClock implements InstantSource {
    long millis = 1_700_000_000_000L;

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    void advance(Duration by) {
      millis += by.toMillis();
    }
  }

  final ManualClock clock = new ManualClock();
  final LoginLimiter limiter =
      new LoginLimiter(
          clock,
          new LoginLimiter.Limit(5, Duration.ofMinutes(10)),
          new LoginLimiter.Limit(3, Duration.ofMinutes(15)));

  @Test
  void anAccountIsLimitedAfterItsFailuresUntilTheOldestLeavesTheWindow() {
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), limiter.retryAfter("203.0.113." + i, "a@x.io"));
      limiter.failed("203.0.113." + i, "a@x.io");
      clock.advance(Duration.ofMinutes(1));
    }
    var wait = limiter.retryAfter("198.51.100.1", "a@x.io");
    assertEquals(Optional.of(Duration.ofMinutes(12)), wait, "15 min after the first failure");
    assertEquals(Optional.empty(), limiter.retryAfter("198.51.100.1", "b@x.io"));
    clock.advance(Duration.ofMinutes(12));
    assertEquals(Optional.empty(), limiter.retryAfter("198.51.100.1", "a@x.io"));
  }

  @Test
  void anAddressIsLimitedAcrossAccountsAndASuccessDoesNotResetIt() {
    for (int i = 0; i < 5; i++) {
      limiter.failed("203.0.113.7", "user" + i + "@x.io");
    }
    limiter.succeeded("user0@x.io");
    var wait = limiter.retryAfter("203.0.113.7", "someone-else@x.io");
    assertTrue(wait.isPresent());
    assertEquals(Duration.ofMinutes(10), wait.get());
    assertEquals(Optional.empty(), limiter.retryAfter("203.0.113.8", "someone-else@x.io"));
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Optional.empty(), limiter.retryAfter("203.0.113.7", "someone-else@x.io"));
  }

  @Test
  void aSuccessClearsTheAccountCount() {
    limiter.failed("a", "a@x.io");
    limiter.failed("b", "a@x.io");
    limiter.succeeded("a@x.io");
    limiter.failed("c", "a@x.io");
    limiter.failed("d", "a@x.io");
    assertEquals(Optional.empty(), limiter.retryAfter("e", "a@x.io"));
    limiter.failed("e", "a@x.io");
    assertTrue(limiter.retryAfter("f", "a@x.io").isPresent());
  }

  @Test
  void failuresSpreadOverTimeSlideOut() {
    for (int i = 0; i < 10; i++) {
      limiter.failed("addr", "slow@x.io");
      clock.advance(Duration.ofMinutes(8));
    }
    assertEquals(Optional.empty(), limiter.retryAfter("addr", "slow@x.io"));
  }
}
