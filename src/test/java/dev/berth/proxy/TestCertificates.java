package dev.berth.proxy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Self-signed certificates made by the JDK's own keytool for tests (no test-only crypto library),
 * and a client trust that accepts exactly the certificates given, by identity, whatever the name in
 * the URL (tests connect to 127.0.0.1 and name the host by SNI).
 */
final class TestCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private TestCertificates() {}

  /** A fresh key and self-signed certificate whose subject alternative names are {@code names}. */
  static CertificateBook.Entry make(Path dir, String host, String... names) throws Exception {
    Path store = Files.createTempFile(dir, "cert", ".p12");
    Files.delete(store);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    String san = String.join(",", Arrays.stream(names).map(n -> "dns:" + n).toList());
    var command =
        List.of(
            keytool,
            "-genkeypair",
            "-alias",
            "site",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=" + names[0],
            "-ext",
            "SAN=" + san,
            "-validity",
            "30",
            "-storetype",
            "PKCS12",
            "-keystore",
            store.toString(),
            "-storepass",
            new String(PASSWORD),
            "-keypass",
            new String(PASSWORD));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    var keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD);
    }
    var key = (PrivateKey) keyStore.getKey("site", PASSWORD);
    var chain = new ArrayList<X509Certificate>();
    for (var c : keyStore.getCertificateChain("site")) {
      chain.add((X509Certificate) c);
    }
    return new CertificateBook.Entry(host, key, chain);
  }

  /** A client context that trusts exactly these leaf certificates and checks no host name. */
  static SSLContext trusting(CertificateBook.Entry... entries) throws Exception {
    List<X509Certificate> trusted = Arrays.stream(entries).map(e -> e.chain().getFirst()).toList();
    var context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {new Exactly(trusted)}, new SecureRandom());
    return context;
  }

  private static final class Exactly extends X509ExtendedTrustManager {
    private final List<X509Certificate> trusted;

    Exactly(List<X509Certificate> trusted) {
      this.trusted = trusted;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain.length == 0 || !trusted.contains(chain[0])) {
        throw new CertificateException("not a certificate this test made");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not used");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
