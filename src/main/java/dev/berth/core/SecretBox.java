package dev.berth.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 96-bit random nonce. Sealed text is {@code v1.<base64(nonce|ciphertext|tag)>}.
 * The associated data binds a value to where it belongs (for example {@code env:<app>:<KEY>}), so a
 * ciphertext copied to another row fails to open instead of leaking.
 */
public final class SecretBox {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final RandomGenerator random;

  public SecretBox(byte[] key32, RandomGenerator random) {
    if (key32.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key32.clone(), "AES");
    this.random = random;
  }

  public String seal(String plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      var cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return "v1." + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Opens a sealed value; throws {@link IllegalArgumentException} when it was tampered with. */
  public String open(String sealedText, String associatedData) {
    if (!sealedText.startsWith("v1.")) {
      throw new IllegalArgumentException("unknown secret format");
    }
    byte[] all = Base64.getDecoder().decode(sealedText.substring(3));
    if (all.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("sealed value is truncated");
    }
    try {
      var cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(all, 0, NONCE_BYTES)));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("sealed value does not match its key or place", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }
}
