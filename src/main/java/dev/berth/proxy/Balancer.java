package dev.berth.proxy;

import dev.berth.core.HostPort;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.time.InstantSource;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the instance of an upstream target for one request: round-robin or least-in-flight, and
 * skips an instance that refused a connection in the last {@code ejectMillis} (passive ejection).
 * Shared by every event loop, so its shared state is concurrent and lock-free; the round-robin
 * cursors are per event loop (each loop rotates on its own), keyed by the target's identity so a
 * pick never hashes the target's instance list.
 *
 * <p>It also knows, per instance, the requests and WebSocket tunnels in flight and the open
 * upstream connections, so that an app's traffic switch can wait for an old instance to drain and
 * then cut what is left ({@link #inFlight}, {@link #closeActive}).
 */
final class Balancer {
  private static final int MAX_CURSORS = 10_000;
  private final InstantSource clock;
  private final long ejectMillis;
  private final ConcurrentHashMap<HostPort, Long> ejectedUntil = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HostPort, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HostPort, Set<Channel>> open = new ConcurrentHashMap<>();
  private final ThreadLocal<IdentityHashMap<Target.Upstreams, int[]>> cursors =
      ThreadLocal.withInitial(IdentityHashMap::new);

  Balancer(InstantSource clock, long ejectMillis) {
    this.clock = clock;
    this.ejectMillis = ejectMillis;
  }

  /** An instance not in {@code tried}, preferring live ones; null when all were tried. */
  HostPort pick(Target.Upstreams target, Set<HostPort> tried) {
    var instances = target.instances();
    HostPort fallback = null;
    HostPort best = null;
    int bestLoad = Integer.MAX_VALUE;
    int start = nextCursor(target);
    long now = ejectedUntil.isEmpty() ? 0 : clock.millis();
    for (int i = 0; i < instances.size(); i++) {
      HostPort candidate = instances.get(Math.floorMod(start + i, instances.size()));
      if (!tried.isEmpty() && tried.contains(candidate)) {
        continue;
      }
      Long until = now == 0 ? null : ejectedUntil.get(candidate);
      if (until != null && until > now) {
        fallback = fallback == null ? candidate : fallback;
        continue;
      }
      if (target.balance() == Target.Balance.ROUND_ROBIN) {
        return candidate;
      }
      int load = inFlight(candidate);
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    // When every instance is ejected, try one anyway: it may be back already.
    return best != null ? best : fallback;
  }

  private int nextCursor(Target.Upstreams target) {
    if (target.instances().size() == 1) {
      return 0;
    }
    var mine = cursors.get();
    int[] cursor = mine.get(target);
    if (cursor == null) {
      if (mine.size() >= MAX_CURSORS) {
        mine.clear(); // tables were replaced many times; old targets are gone
      }
      cursor = new int[1];
      mine.put(target, cursor);
    }
    return cursor[0]++;
  }

  void eject(HostPort instance) {
    ejectedUntil.put(instance, clock.millis() + ejectMillis);
  }

  void recovered(HostPort instance) {
    if (!ejectedUntil.isEmpty()) {
      ejectedUntil.remove(instance);
    }
  }

  void started(HostPort instance) {
    var count = inFlight.get(instance);
    if (count == null) {
      count = inFlight.computeIfAbsent(instance, i -> new AtomicInteger());
    }
    count.incrementAndGet();
  }

  void finished(HostPort instance) {
    var count = inFlight.get(instance);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** Requests and WebSocket tunnels open to {@code instance} right now. */
  int inFlight(HostPort instance) {
    var count = inFlight.get(instance);
    return count == null ? 0 : count.get();
  }

  /** Remembers a new upstream connection to {@code instance} until it closes. */
  void opened(HostPort instance, Channel channel) {
    var channels = open.computeIfAbsent(instance, i -> ConcurrentHashMap.newKeySet());
    channels.add(channel);
    channel.closeFuture().addListener((ChannelFutureListener) f -> channels.remove(channel));
  }

  /**
   * Closes every open upstream connection to {@code instance}, idle or busy (after a drain timed
   * out): requests still running on them fail, WebSocket tunnels end.
   */
  void closeActive(HostPort instance) {
    var channels = open.get(instance);
    if (channels != null) {
      channels.forEach(Channel::close);
    }
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
