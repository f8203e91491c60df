package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.HostPort;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Instance choice in Berth's edge proxy, on a clock the test moves by hand. */
class BalancerTest {
  private static final long EJECT_MS = 10_000;
  private static final HostPort A = new HostPort("10.0.0.1", 8080);
  private static final HostPort B = new HostPort("10.0.0.2", 8080);
  private static final HostPort C = new HostPort("10.0.0.3", 8080);

  /** A hand-moved clock. */
  private static final class ManualClock implements InstantSource {
    private long millis = 1_700_000_000_000L;

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    void advance(long by) {
      millis += by;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final Balancer balancer = new Balancer(clock, EJECT_MS);

  private static Target.Upstreams target(Target.Balance balance) {
    return new Target.Upstreams(List.of(A, B, C), balance);
  }

  @Test
  void roundRobinSpreadsEvenly() {
    var target = target(Target.Balance.ROUND_ROBIN);
    Map<HostPort, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(balancer.pick(target, Set.of()), 1, Integer::sum);
    }
    assertEquals(Map.of(A, 100, B, 100, C, 100), counts);
  }

  @Test
  void roundRobinVisitsEachInstanceInTurn() {
    var target = target(Target.Balance.ROUND_ROBIN);
    assertEquals(A, balancer.pick(target, Set.of()));
    assertEquals(B, balancer.pick(target, Set.of()));
    assertEquals(C, balancer.pick(target, Set.of()));
    assertEquals(A, balancer.pick(target, Set.of()));
  }

  @Test
  void anEjectedInstanceIsSkippedUntilItsTimePasses() {
    var target = target(Target.Balance.ROUND_ROBIN);
    balancer.eject(B);
    assertEquals(Set.of(B), balancer.ejected());
    for (int i = 0; i < 30; i++) {
      assertNotEquals(B, balancer.pick(target, Set.of()));
    }
    clock.advance(EJECT_MS - 1);
    for (int i = 0; i < 30; i++) {
      assertNotEquals(B, balancer.pick(target, Set.of()));
    }
    clock.advance(1);
    assertEquals(Set.of(), balancer.ejected());
    int seenB = 0;
    for (int i = 0; i < 30; i++) {
      seenB += balancer.pick(target, Set.of()).equals(B) ? 1 : 0;
    }
    assertEquals(10, seenB);
  }

  @Test
  void recoveredEndsAnEjectionEarly() {
    var target = target(Target.Balance.LEAST_IN_FLIGHT);
    balancer.eject(A);
    balancer.started(B);
    balancer.started(C);
    assertNotEquals(A, balancer.pick(target, Set.of()));
    balancer.recovered(A);
    assertEquals(A, balancer.pick(target, Set.of()));
  }

  @Test
  void leastInFlightPrefersTheIdlerInstance() {
    var target = target(Target.Balance.LEAST_IN_FLIGHT);
    balancer.started(A);
    balancer.started(A);
    balancer.started(B);
    balancer.started(C);
    balancer.started(C);
    for (int i = 0; i < 6; i++) {
      assertEquals(B, balancer.pick(target, Set.of()));
    }
    balancer.started(B);
    balancer.started(B);
    balancer.finished(A);
    for (int i = 0; i < 6; i++) {
      assertEquals(A, balancer.pick(target, Set.of()));
    }
  }

  @Test
  void leastInFlightSkipsEjectedEvenWhenIdle() {
    var target = target(Target.Balance.LEAST_IN_FLIGHT);
    balancer.started(B);
    balancer.started(C);
    balancer.started(C);
    balancer.eject(A);
    assertEquals(B, balancer.pick(target, Set.of()));
  }

  @Test
  void triedInstancesAreNotPickedAgain() {
    var target = target(Target.Balance.ROUND_ROBIN);
    for (int i = 0; i < 6; i++) {
      assertEquals(C, balancer.pick(target, Set.of(A, B)));
    }
    assertNull(balancer.pick(target, Set.of(A, B, C)));
  }

  @Test
  void allEjectedStillYieldsAnUntriedInstance() {
    var target = target(Target.Balance.ROUND_ROBIN);
    balancer.eject(A);
    balancer.eject(B);
    balancer.eject(C);
    // The code tries one anyway (the first ejected one from the cursor), rotating with the cursor.
    assertEquals(A, balancer.pick(target, Set.of()));
    assertEquals(B, balancer.pick(target, Set.of()));
    assertEquals(C, balancer.pick(target, Set.of()));
    var picked = balancer.pick(target, Set.of(A));
    assertTrue(picked.equals(B) || picked.equals(C));
    assertNull(balancer.pick(target, Set.of(A, B, C)));
  }

  @Test
  void inFlightCountsStartedRequestsUntilTheyFinish() {
    assertEquals(0, balancer.inFlight(A));
    balancer.started(A);
    balancer.started(A);
    balancer.started(B);
    assertEquals(2, balancer.inFlight(A));
    assertEquals(1, balancer.inFlight(B));
    balancer.finished(A);
    assertEquals(1, balancer.inFlight(A));
    balancer.closeActive(C); // nothing open there: nothing happens
    assertEquals(0, balancer.inFlight(C));
  }
}
