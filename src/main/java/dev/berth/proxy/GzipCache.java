package dev.berth.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text files the proxy gzipped, kept so that a popular file is compressed once, not on every
 * request (compressing 200 KiB costs milliseconds of an event loop). Keyed by the file's real path,
 * size and modification time, so a changed file is never served stale. Least recently used entries
 * go first once the bytes held pass {@code budget}.
 */
final class GzipCache {
  record Key(String path, long size, long modified) {}

  private final long budget;
  private long held;
  private final LinkedHashMap<Key, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);

  GzipCache(long budget) {
    this.budget = budget;
  }

  synchronized byte[] get(Key key) {
    return entries.get(key);
  }

  synchronized void put(Key key, byte[] gzipped) {
    if (gzipped.length > budget) {
      return;
    }
    var previous = entries.put(key, gzipped);
    held += gzipped.length - (previous == null ? 0 : previous.length);
    var oldest = entries.entrySet().iterator();
    while (held > budget && oldest.hasNext()) {
      Map.Entry<Key, byte[]> entry = oldest.next();
      held -= entry.getValue().length;
      oldest.remove();
    }
  }

  synchronized long held() {
    return held;
  }

  synchronized int size() {
    return entries.size();
  }
}
