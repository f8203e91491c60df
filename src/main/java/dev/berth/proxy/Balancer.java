package dev.berth.proxy;

import dev.berth.core.HostPort;
import io.netty.channel.Channel;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the instance of an upstream target for one request: round-robin or least-in-flight, and
 * skips an instance that refused a connection in the last {@code ejectMillis} (passive ejection).
 * Shared by every event loop, so its state is concurrent and lock-free.
 */
final class Balancer {
  private final InstantSource clock;
  private final long ejectMillis;
  private final ConcurrentHashMap<HostPort, Long> ejectedUntil = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HostPort, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Target.Upstreams, AtomicInteger> cursors =
      new ConcurrentHashMap<>();
  // Every open upstream connection by instance (in use or idle in the pool), so a drain that timed
  // out can close them: the request or WebSocket on it ends there.
  private final ConcurrentHashMap<HostPort, Set<Channel>> open = new ConcurrentHashMap<>();

  Balancer(InstantSource clock, long ejectMillis) {
    this.clock = clock;
    this.ejectMillis = ejectMillis;
  }

  /** An instance not in {@code tried}, preferring live ones; null when all were tried. */
  HostPort pick(Target.Upstreams target, Set<HostPort> tried) {
    var instances = target.instances();
    long now = clock.millis();
    HostPort fallback = null;
    HostPort best = null;
    int bestLoad = Integer.MAX_VALUE;
    if (cursors.size() > 10_000) {
      cursors.clear(); // tables were replaced many times; old targets are gone
    }
    int start = cursors.computeIfAbsent(target, t -> new AtomicInteger()).getAndIncrement();
    for (int i = 0; i < instances.size(); i++) {
      HostPort candidate = instances.get(Math.floorMod(start + i, instances.size()));
      if (tried.contains(candidate)) {
        continue;
      }
      Long until = ejectedUntil.get(candidate);
      if (until != null && until > now) {
        fallback = fallback == null ? candidate : fallback;
        continue;
      }
      if (target.balance() == Target.Balance.ROUND_ROBIN) {
        return candidate;
      }
      int load = load(candidate);
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    // When every instance is ejected, try one anyway: it may be back already.
    return best != null ? best : fallback;
  }

  void eject(HostPort instance) {
    ejectedUntil.put(instance, clock.millis() + ejectMillis);
  }

  void recovered(HostPort instance) {
    ejectedUntil.remove(instance);
  }

  void started(HostPort instance) {
    inFlight.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
  }

  void finished(HostPort instance) {
    var count = inFlight.get(instance);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** Requests (and tunnels) open to {@code instance} right now. */
  int inFlight(HostPort instance) {
    return load(instance);
  }

  /** Remembers an upstream connection until it closes, for {@link #closeActive}. */
  void track(HostPort instance, Channel channel) {
    var channels = open.computeIfAbsent(instance, i -> ConcurrentHashMap.newKeySet());
    if (channels.add(channel)) {
      channel.closeFuture().addListener(f -> channels.remove(channel));
    }
  }

  /** Closes every open upstream connection to {@code instance} (after a drain timed out). */
  void closeActive(HostPort instance) {
    var channels = open.get(instance);
    if (channels != null) {
      channels.forEach(Channel::close);
    }
  }

  private int load(HostPort instance) {
    var count = inFlight.get(instance);
    return count == null ? 0 : count.get();
  }

  Set<HostPort> ejected() {
    long now = clock.millis();
    var out = new java.util.HashSet<HostPort>();
    ejectedUntil.forEach(
        (k, v) -> {
          if (v > now) {
            out.add(k);
          }
        });
    return out;
  }
}
