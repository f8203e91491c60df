package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsSortByCreationTime() {
    var now = new long[] {1_700_000_000_000L};
    InstantSource clock = () -> Instant.ofEpochMilli(now[0]);
    var ids = new Ids(clock, new SplittableRandom(1));
    String first = ids.next();
    now[0] += 1;
    String second = ids.next();
    assertTrue(first.compareTo(second) < 0, first + " < " + second);
    assertEquals(26, first.length());
    assertTrue(first.matches("[0-9a-hjkmnp-tv-z]{26}"));
  }

  @Test
  void idsInOneMillisecondDiffer() {
    var ids = new Ids(InstantSource.fixed(Instant.EPOCH), new SplittableRandom(7));
    var seen = new HashSet<String>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(ids.next()));
    }
  }

  @Test
  void secretsAreUrlSafe() {
    var ids = new Ids(InstantSource.system(), new SplittableRandom(3));
    String secret = ids.secret(32);
    assertEquals(43, secret.length());
    assertTrue(secret.matches("[A-Za-z0-9_-]+"));
    assertNotEquals(secret, ids.secret(32));
  }
}
