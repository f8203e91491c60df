package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class GzipCacheTest {
  @Test
  void keepsTheRecentlyUsedWithinItsBudget() {
    var cache = new GzipCache(100);
    var a = new GzipCache.Key("/a", 1, 1);
    var b = new GzipCache.Key("/b", 1, 1);
    var c = new GzipCache.Key("/c", 1, 1);
    cache.put(a, new byte[40]);
    cache.put(b, new byte[40]);
    cache.get(a); // a is now newer than b
    cache.put(c, new byte[40]);
    assertNull(cache.get(b));
    assertEquals(40, cache.get(a).length);
    assertEquals(80, cache.held());
    cache.put(new GzipCache.Key("/huge", 1, 1), new byte[101]);
    assertEquals(2, cache.size());
  }

  @Test
  void aChangedFileIsAnotherKey() {
    var cache = new GzipCache(100);
    cache.put(new GzipCache.Key("/a", 1, 1), new byte[] {1});
    assertNull(cache.get(new GzipCache.Key("/a", 1, 2)));
    assertNull(cache.get(new GzipCache.Key("/a", 2, 1)));
    assertArrayEquals(new byte[] {1}, cache.get(new GzipCache.Key("/a", 1, 1)));
    cache.put(new GzipCache.Key("/a", 1, 1), new byte[] {2, 3});
    assertEquals(2, cache.held());
  }
}
