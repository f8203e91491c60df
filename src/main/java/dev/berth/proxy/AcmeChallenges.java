package dev.berth.proxy;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP-01 challenge answers the ACME client published and the proxy serves at {@code
 * /.well-known/acme-challenge/{token}} on any host over plain HTTP. Written by the issuing thread,
 * read by the event loops.
 */
public final class AcmeChallenges {
  /** RFC 8555 tokens are base64url; anything else is never a token of ours. */
  private static final int MAX_TOKEN = 256;

  private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();
  private volatile boolean forwardUnknown;

  /**
   * For a proxy in its own process ({@code berth proxy}): a well-formed token it holds no answer
   * for goes to the console, whose {@code serve} runs the ACME client. {@code serve}'s own proxy
   * holds every answer itself and answers 404.
   */
  public void forwardUnknownToConsole() {
    forwardUnknown = true;
  }

  boolean forwardsUnknown() {
    return forwardUnknown;
  }

  public void put(String token, String keyAuthorization) {
    answers.put(token, keyAuthorization);
  }

  public void remove(String token) {
    answers.remove(token);
  }

  public Optional<String> answer(String token) {
    if (!isToken(token)) {
      return Optional.empty();
    }
    return Optional.ofNullable(answers.get(token));
  }

  /** Whether {@code token} could be an ACME token at all: 1 to 256 base64url characters. */
  static boolean isToken(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
