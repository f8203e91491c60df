package dev.berth.proxy;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certificates the proxy serves, by host, held in memory. The whole set is swapped at once, so
 * a handshake sees either the old set or the new one, never half of each.
 */
public final class CertificateBook {
  /** A certificate chain (leaf first) and its key for one host; the host may be "*.example.com". */
  public record Entry(String host, PrivateKey key, List<X509Certificate> chain) {}

  private volatile Map<String, Entry> byHost = Map.of();

  /** Atomic swap of the whole set. */
  public void replaceAll(Collection<Entry> entries) {
    var next = new HashMap<String, Entry>();
    for (Entry entry : entries) {
      next.put(entry.host().toLowerCase(Locale.ROOT), entry);
    }
    byHost = Map.copyOf(next);
  }

  /** Whether a certificate serves this host name: exact, then one-label wildcard. */
  public boolean covers(String hostName) {
    String name = hostName.toLowerCase(Locale.ROOT);
    var book = byHost;
    if (book.containsKey(name)) {
      return true;
    }
    int dot = name.indexOf('.');
    return dot > 0 && book.containsKey("*" + name.substring(dot));
  }
}
