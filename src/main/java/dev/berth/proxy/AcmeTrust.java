package dev.berth.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's provider for any RFC 8555 directory URL, trusting the CA certificates of {@code
 * --acme-ca-cert} (a test CA such as Pebble's) instead of the JDK's when that flag is given.
 */
final class AcmeTrust extends GenericAcmeProvider {
  private final Optional<Path> caCertificates;

  AcmeTrust(Optional<Path> caCertificates) {
    this.caCertificates = caCertificates;
  }

  @Override
  public HttpClient createHttpClient(NetworkSettings settings) {
    if (caCertificates.isEmpty()) {
      return super.createHttpClient(settings);
    }
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(settings.getTimeout())
        .proxy(settings.getProxySelector())
        .sslContext(context(caCertificates.get()))
        .build();
  }

  private static SSLContext context(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      var store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      var context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the ACME CA certificate " + file, e);
    }
  }
}
