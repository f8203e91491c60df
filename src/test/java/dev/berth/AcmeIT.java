package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificates for custom domains from a real ACME server (Pebble) started by the test: Pebble
 * validates HTTP-01 against Berth's own proxy, Berth stores the issued chain and serves it, and
 * renews it when it is due.
 */
class AcmeIT {
  static Pebble pebble;
  static TestPlatform berth;

  @BeforeAll
  static void boot() {
    pebble = Pebble.prepare();
    berth = TestPlatform.start(pebble.env());
    pebble.start(berth.platform().proxyAddress().getPort());
    var app = berth.post("/api/v1/apps", "{\"name\":\"shop\"}");
    assertEquals(201, app.status(), app.body());
  }

  @AfterAll
  static void shutdown() {
    if (berth != null) {
      berth.close();
    }
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void issuesWhenADomainIsAddedAndRenewsWhenDue() throws Exception {
    String host = "www.shop.example";
    var added = berth.post("/api/v1/apps/shop/domains", "{\"host\":\"" + host + "\"}");
    assertEquals(201, added.status(), added.body());

    var active = awaitCertificate(host, c -> "active".equals(c.get("status")));
    assertEquals("acme", active.get("source"));
    assertEquals(null, active.get("error"));
    Instant notAfter = Instant.parse((String) active.get("not_after"));
    assertTrue(notAfter.isAfter(Instant.now().plus(Duration.ofDays(30))), notAfter.toString());
    // Renewal is scheduled 30 days before the end.
    assertEquals(
        notAfter.minus(Duration.ofDays(30)), Instant.parse((String) active.get("next_attempt_at")));

    var chain = storedChain(host);
    var leaf = chain.getFirst();
    assertTrue(
        leaf.getSubjectAlternativeNames().stream().anyMatch(n -> host.equals(n.get(1))),
        "the leaf names the host");
    assertNotEquals(leaf.getSubjectX500Principal(), leaf.getIssuerX500Principal());
    assertTrue(chain.size() >= 2, "the chain carries Pebble's intermediate");
    assertEquals(notAfter, leaf.getNotAfter().toInstant());
    awaitTrue(() -> berth.platform().certificates().covers(host), "the book serves the host");
    assertEquals(
        leaf.getSerialNumber(),
        servedLeaf(host).getSerialNumber(),
        "a TLS client asking for the host by SNI gets the issued certificate");
    String sealed = one("SELECT sealed_key FROM certificates WHERE host = ?", host);
    assertTrue(sealed.startsWith("v1.") && !sealed.contains("PRIVATE"), "the key is stored sealed");

    // Renewal: the renewer works on a domain when its next attempt comes due; make it due now.
    berth
        .platform()
        .database()
        .write(tx -> tx.update("UPDATE domains SET next_attempt_at = 0 WHERE host = ?", host));
    var serial = leaf.getSerialNumber();
    awaitTrue(
        () -> !storedChain(host).getFirst().getSerialNumber().equals(serial),
        "a new certificate replaced the old one");
    var renewed = awaitCertificate(host, c -> "active".equals(c.get("status")));
    assertEquals(0L, renewed.get("attempts"));
    assertTrue(berth.platform().certificates().covers(host));
    var renewedSerial = storedChain(host).getFirst().getSerialNumber();
    awaitTrue(
        () -> renewedSerial.equals(servedLeaf(host).getSerialNumber()),
        "new connections get the renewed certificate");
  }

  /** Trusts any server: tests compare the certificate served with the one they expect. */
  static final javax.net.ssl.X509TrustManager TRUST_ANY =
      new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  /** The leaf certificate the proxy's HTTPS port presents to a client naming {@code host}. */
  static X509Certificate servedLeaf(String host) {
    return servedLeaf("127.0.0.1", berth.httpsPort(), host);
  }

  /** The leaf certificate {@code address:port} presents to a TLS client naming {@code host}. */
  static X509Certificate servedLeaf(String address, int port, String host) {
    try {
      var context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {TRUST_ANY}, null);
      try (var socket =
          (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(address, port)) {
        var parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> awaitCertificate(String host, Predicate<Map<String, Object>> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Object> last = Map.of();
    while (System.nanoTime() < deadline) {
      var list = berth.get("/api/v1/apps/shop/domains");
      for (var item : (List<Map<String, Object>>) list.object().get("domains")) {
        if (host.equals(item.get("host"))) {
          last = (Map<String, Object>) item.get("certificate");
          if (done.test(last)) {
            return last;
          }
        }
      }
      pause();
    }
    throw new AssertionError(
        "certificate of " + host + " is " + last + "; pebble: " + pebble.log());
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + "; pebble: " + pebble.log());
      }
      pause();
    }
  }

  static List<X509Certificate> storedChain(String host) {
    try {
      String pem = one("SELECT chain_pem FROM certificates WHERE host = ?", host);
      return CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))
          .stream()
          .map(X509Certificate.class::cast)
          .toList();
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  static String one(String sql, String arg) {
    return berth
        .platform()
        .database()
        .read(tx -> tx.one(sql, r -> r.getString(1), arg))
        .orElseThrow(() -> new AssertionError("no row for " + arg));
  }

  static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
