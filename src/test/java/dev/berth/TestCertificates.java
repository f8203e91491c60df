package dev.berth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates for tests, made by the JDK's keytool (no extra library). */
public final class TestCertificates {
  /** A certificate and its key, as PEM. */
  public record Pem(String chain, String key, X509Certificate leaf) {}

  private TestCertificates() {}

  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /**
   * A self-signed EC certificate for {@code names} (DNS names; "ip:..." for an address), valid from
   * {@code startDays} (negative: in the past) for {@code days}.
   */
  public static Pem make(Path dir, List<String> names, int startDays, int days) {
    try {
      Path store = Files.createTempFile(dir, "cert-", ".p12");
      Files.delete(store);
      var san = new StringBuilder();
      for (String name : names) {
        san.append(san.isEmpty() ? "" : ",").append(name.startsWith("ip:") ? name : "dns:" + name);
      }
      var command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-alias",
                  "test",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=" + names.getFirst().replace("ip:", ""),
                  "-ext",
                  "SAN=" + san,
                  "-validity",
                  Integer.toString(days),
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  "changeit"));
      if (startDays != 0) {
        command.addAll(List.of("-startdate", (startDays > 0 ? "+" : "") + startDays + "d"));
      }
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      var keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, "changeit".toCharArray());
      }
      var key = (PrivateKey) keyStore.getKey("test", "changeit".toCharArray());
      var leaf = (X509Certificate) keyStore.getCertificate("test");
      return new Pem(
          pem("CERTIFICATE", leaf.getEncoded()), pem("PRIVATE KEY", key.getEncoded()), leaf);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
