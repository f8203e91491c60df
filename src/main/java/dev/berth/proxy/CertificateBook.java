package dev.berth.proxy;

import dev.berth.core.Log;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The certificates the HTTPS listener serves, by host name: exact names and one-label wildcards
 * ({@code *.example.com} covers {@code a.example.com}, not {@code example.com} nor {@code
 * a.b.example.com}). The whole set is swapped at once; a connection picks its certificate by SNI
 * when its handshake starts, so a replaced certificate is served from the next new connection on.
 *
 * <p>Each entry's TLS context (JDK provider, TLS 1.2 and 1.3, ALPN {@code h2} then {@code
 * http/1.1}) is built once, when the entry enters the book, and reused while the same key and chain
 * stay in it, never per handshake.
 */
public final class CertificateBook {
  private static final Log LOG = Log.of(CertificateBook.class);

  /** One certificate: {@code host} is a name or {@code *.example.com}; chain is leaf first. */
  public record Entry(String host, PrivateKey key, List<X509Certificate> chain) {
    public Entry {
      host = normal(host);
      chain = List.copyOf(chain);
    }
  }

  private record Loaded(Entry entry, SslContext context) {}

  private volatile Map<String, Loaded> byHost = Map.of();

  /** Replaces every certificate at once. An entry whose TLS context cannot be built is skipped. */
  public void replaceAll(Collection<Entry> entries) {
    Map<String, Loaded> before = byHost;
    Map<String, Loaded> next = new HashMap<>();
    for (Entry entry : entries) {
      Loaded old = before.get(entry.host());
      if (old != null && old.entry().equals(entry)) {
        next.put(entry.host(), old);
        continue;
      }
      try {
        next.put(entry.host(), new Loaded(entry, context(entry)));
      } catch (SSLException | IllegalArgumentException e) {
        LOG.warn("certificate not served", "host", entry.host(), "error", e.getMessage());
      }
    }
    byHost = Map.copyOf(next);
  }

  /** True when a TLS handshake for {@code hostName} would find a certificate. */
  public boolean covers(String hostName) {
    return find(hostName) != null;
  }

  /** The TLS context for {@code hostName} (exact, then one-label wildcard), or null. */
  SslContext context(String hostName) {
    Loaded loaded = find(hostName);
    return loaded == null ? null : loaded.context();
  }

  /** How many certificates the book holds. */
  public int size() {
    return byHost.size();
  }

  private Loaded find(String hostName) {
    Map<String, Loaded> now = byHost;
    if (hostName == null || hostName.isEmpty() || now.isEmpty()) {
      return null; // every plain request asks (for the HTTPS redirect): no work without
      // certificates
    }
    String name = normal(hostName);
    Loaded exact = now.get(name);
    if (exact != null) {
      return exact;
    }
    int dot = name.indexOf('.');
    return dot <= 0 || dot == name.length() - 1 ? null : now.get("*" + name.substring(dot));
  }

  private static String normal(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static SslContext context(Entry entry) throws SSLException {
    return SslContextBuilder.forServer(entry.key(), entry.chain())
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2")
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1))
        .build();
  }
}
