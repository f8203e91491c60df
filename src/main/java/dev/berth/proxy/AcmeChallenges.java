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

  public void put(String token, String keyAuthorization) {
    answers.put(token, keyAuthorization);
  }

  public void remove(String token) {
    answers.remove(token);
  }

  public Optional<String> answer(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    return Optional.ofNullable(answers.get(token));
  }
}
