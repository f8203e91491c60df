package dev.berth.proxy;

import dev.berth.core.SecretBox;
import java.time.Instant;

/**
 * Seals certificate keys with the master key, each bound to its host: a sealed key copied to
 * another host's row does not open.
 */
public final class CertificateVault {
  /** A certificate as stored: the chain (leaf first) and the key as PEM text. */
  record Issued(String host, String chainPem, String keyPem, Instant notAfter) {
    @Override
    public String toString() {
      return "Issued[host=" + host + ", notAfter=" + notAfter + "]";
    }
  }

  private final SecretBox box;

  public CertificateVault(SecretBox box) {
    this.box = box;
  }

  String seal(String host, String keyPem) {
    return box.seal(keyPem, "certificate:" + host);
  }

  String open(String host, String sealed) {
    return box.open(sealed, "certificate:" + host);
  }

  String sealAccountKey(String keyPem) {
    return box.seal(keyPem, "acme-account-key");
  }

  String openAccountKey(String sealed) {
    return box.open(sealed, "acme-account-key");
  }
}
