package dev.berth.auth;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per client address and per account in memory, over sliding windows. Over
 * either limit, sign-in is refused without checking the password until the oldest counted failure
 * leaves its window. A success clears only that account's count: an address that guessed at many
 * accounts stays limited even after it signs in to one.
 *
 * <p>Each key keeps at most {@code failures} timestamps, and keys with none left in their window
 * are swept out, so memory stays bounded by the number of recently failing keys.
 */
public final class LoginLimiter {
  /** At most {@code failures} failures per {@code window}. */
  public record Limit(int failures, Duration window) {}

  public static final Limit PER_ADDRESS = new Limit(20, Duration.ofMinutes(10));
  public static final Limit PER_ACCOUNT = new Limit(10, Duration.ofMinutes(15));
  private static final int SWEEP_ABOVE = 10_000;

  private final InstantSource clock;
  private final Limit perAddress;
  private final Limit perAccount;
  private final Map<String, ArrayDeque<Long>> byAddress = new ConcurrentHashMap<>();
  private final Map<String, ArrayDeque<Long>> byAccount = new ConcurrentHashMap<>();

  public LoginLimiter(InstantSource clock, Limit perAddress, Limit perAccount) {
    this.clock = clock;
    this.perAddress = perAddress;
    this.perAccount = perAccount;
  }

  /** How long to wait when either limit is reached, or empty when a sign-in may be tried. */
  public Optional<Duration> retryAfter(String address, String account) {
    long now = clock.millis();
    long wait =
        Math.max(
            waitMillis(byAddress.get(address), perAddress, now),
            waitMillis(byAccount.get(account), perAccount, now));
    return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
  }

  public void failed(String address, String account) {
    long now = clock.millis();
    add(byAddress, address, perAddress, now);
    add(byAccount, account, perAccount, now);
  }

  public void succeeded(String account) {
    byAccount.remove(account);
  }

  private static long waitMillis(ArrayDeque<Long> times, Limit limit, long now) {
    if (times == null) {
      return 0;
    }
    synchronized (times) {
      prune(times, limit, now);
      if (times.size() < limit.failures()) {
        return 0;
      }
      return times.peekFirst() + limit.window().toMillis() - now;
    }
  }

  private void add(Map<String, ArrayDeque<Long>> map, String key, Limit limit, long now) {
    if (map.size() > SWEEP_ABOVE) {
      sweep(map, limit, now);
    }
    var times = map.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (times) {
      prune(times, limit, now);
      times.addLast(now);
      while (times.size() > limit.failures()) {
        times.removeFirst();
      }
    }
  }

  private static void prune(ArrayDeque<Long> times, Limit limit, long now) {
    long cutoff = now - limit.window().toMillis();
    while (!times.isEmpty() && times.peekFirst() <= cutoff) {
      times.removeFirst();
    }
  }

  private static void sweep(Map<String, ArrayDeque<Long>> map, Limit limit, long now) {
    map.entrySet()
        .removeIf(
            e -> {
              synchronized (e.getValue()) {
                prune(e.getValue(), limit, now);
                return e.getValue().isEmpty();
              }
            });
  }
}
