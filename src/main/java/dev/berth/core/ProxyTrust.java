package dev.berth.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * How the console knows a request came through Berth's own proxy: the proxy sends {@link #HEADER}
 * with this secret on every request it forwards to the console (after removing any the client
 * sent), and the console believes {@code X-Forwarded-For} and {@code X-Forwarded-Proto} only when
 * it matches. Any other local process could set those headers; it cannot know the secret.
 *
 * <p>The secret is derived from the master key, so a separate {@code berth proxy} process on the
 * same data dir (or with the same {@code BERTH_MASTER_KEY}) proves itself the same way.
 */
public record ProxyTrust(String secret) {
  public static final String HEADER = "X-Berth-Proxy-Secret";

  public ProxyTrust {
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("the proxy secret must be at least 32 characters");
    }
  }

  public static ProxyTrust derive(byte[] masterKey) {
    byte[] tag =
        hmacSha256(masterKey, "berth proxy to console v1".getBytes(StandardCharsets.UTF_8));
    return new ProxyTrust(Base64.getUrlEncoder().withoutPadding().encodeToString(tag));
  }

  /**
   * HMAC-SHA256 (RFC 2104) over the SUN provider's SHA-256. {@code Mac.getInstance} would load and
   * register every security provider ahead of SunJCE (SunEC, SunJSSE, ...) at start, which an idle
   * Berth otherwise never needs.
   */
  static byte[] hmacSha256(byte[] key, byte[] message) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      byte[] block = new byte[64];
      byte[] k = key.length > block.length ? sha.digest(key) : key;
      System.arraycopy(k, 0, block, 0, k.length);
      byte[] inner = new byte[64];
      byte[] outer = new byte[64];
      for (int i = 0; i < 64; i++) {
        inner[i] = (byte) (block[i] ^ 0x36);
        outer[i] = (byte) (block[i] ^ 0x5c);
      }
      sha.update(inner);
      byte[] innerHash = sha.digest(message);
      sha.update(outer);
      return sha.digest(innerHash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Constant-time: the time taken says nothing about how much of a guess was right. */
  public boolean matches(String presented) {
    return presented != null
        && MessageDigest.isEqual(
            secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "ProxyTrust[secret=…]";
  }
}
