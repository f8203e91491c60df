package dev.berth.proxy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * PEM in and out with the JDK alone (no BouncyCastle on the serving path): certificate chains, and
 * private keys in PKCS #8 ({@code BEGIN PRIVATE KEY}), the form {@code openssl pkcs8 -topk8}
 * writes.
 */
final class CertificatePem {
  static final int MAX_CHAIN = 10;
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  private static final int SUBJECT_ALT_DNS = 2;

  private CertificatePem() {}

  /** The certificates of a PEM chain, leaf first; throws with a plain reason when it is not one. */
  static List<X509Certificate> chain(String pem) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("certificate is not a PEM certificate chain");
    }
    try {
      var certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certificates.isEmpty() || certificates.size() > MAX_CHAIN) {
        throw new IllegalArgumentException(
            "certificate must hold 1 to " + MAX_CHAIN + " PEM certificates");
      }
      var chain = new ArrayList<X509Certificate>();
      for (var certificate : certificates) {
        chain.add((X509Certificate) certificate);
      }
      return List.copyOf(chain);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("certificate is not a readable PEM certificate chain");
    }
  }

  /** A PKCS #8 private key (EC or RSA). */
  static PrivateKey key(String pem) {
    int begin = pem.indexOf(KEY_BEGIN);
    int end = pem.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "private_key must be a PKCS #8 PEM key (BEGIN PRIVATE KEY); convert one with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + KEY_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private_key is not valid base64 PEM");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new IllegalArgumentException("private_key is not an EC, RSA or Ed25519 PKCS #8 key");
  }

  static String keyPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  static String chainPem(List<X509Certificate> chain) {
    var out = new StringBuilder();
    for (var certificate : chain) {
      try {
        out.append(pem("CERTIFICATE", certificate.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalArgumentException("certificate cannot be encoded", e);
      }
    }
    return out.toString();
  }

  private static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Why an uploaded certificate cannot serve {@code host} now, or empty when it can. */
  static Optional<String> unusable(
      String host, List<X509Certificate> chain, PrivateKey key, Instant now) {
    var leaf = chain.getFirst();
    if (!matches(key, leaf.getPublicKey())) {
      return Optional.of("private_key does not belong to the certificate");
    }
    if (!names(leaf).contains(host)
        && !(host.indexOf('.') > 0
            && names(leaf).contains("*" + host.substring(host.indexOf('.'))))) {
      return Optional.of(
          "the certificate does not name " + host + " in its subject alternative names");
    }
    if (!leaf.getNotAfter().toInstant().isAfter(now)) {
      return Optional.of("the certificate expired on " + leaf.getNotAfter().toInstant());
    }
    if (leaf.getNotBefore().toInstant().isAfter(now)) {
      return Optional.of("the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    return Optional.empty();
  }

  /** The DNS names a certificate is for, lower case. */
  static List<String> names(X509Certificate certificate) {
    try {
      var alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives == null) {
        return List.of();
      }
      var names = new ArrayList<String>();
      for (List<?> name : alternatives) {
        if (name.size() == 2
            && name.get(0) instanceof Integer type
            && type == SUBJECT_ALT_DNS
            && name.get(1) instanceof String dns) {
          names.add(dns.toLowerCase(Locale.ROOT));
        }
      }
      return names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** Proves the key pair by signing with one half and verifying with the other. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm();
        };
    try {
      byte[] message = "berth-key-check".getBytes(StandardCharsets.US_ASCII);
      var signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(message);
      byte[] signature = signer.sign();
      var verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A book entry from a stored certificate. */
  static CertificateBook.Entry entry(CertificateVault.Issued issued) {
    return new CertificateBook.Entry(issued.host(), key(issued.keyPem()), chain(issued.chainPem()));
  }
}
