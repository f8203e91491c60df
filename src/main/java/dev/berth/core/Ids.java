package dev.berth.core;

import java.time.InstantSource;
import java.util.random.RandomGenerator;

/**
 * Makes ids that sort by creation time: 48 bits of milliseconds and 80 random bits in Crockford
 * base32 (26 characters, the ULID layout), so "newest first" is an index scan on the id.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private final InstantSource clock;
  private final RandomGenerator random;

  public Ids(InstantSource clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    return at(clock.millis());
  }

  /** An id for something that happened at {@code millis} (so it sorts by that time). */
  public String at(long millis) {
    long high = random.nextLong() & 0xFFFFL; // 16 bits
    long low = random.nextLong(); // 64 bits
    char[] out = new char[26];
    // 10 characters of time (50 bits, top 2 always zero).
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 16 characters of randomness: 80 bits = high(16) + low(64).
    for (int i = 25; i >= 10; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return new String(out);
  }

  /** A random secret of {@code bytes} bytes, URL-safe base64 without padding. */
  public String secret(int bytes) {
    byte[] buf = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      buf[i] = (byte) random.nextInt(256);
    }
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(buf);
  }
}
