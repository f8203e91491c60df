package dev.berth.proxy;

import dev.berth.core.HostPort;
import dev.berth.core.Log;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Switches an app's traffic to a new set of instances without dropping a request: the deploy
 * engine's swap, and the admin API's for processes users run themselves.
 *
 * <pre>
 * switchTo(app, new) ─► store row (every proxy process routes from it; NOTIFY on PostgreSQL)
 *   ─► rebuild + swap this process's table: every new request goes to `new`
 *   ─► drain each old instance not in `new`: requests already sent to it finish
 *        in-flight == 0 for all ──► Drained(complete)
 *        timeout ──► close its upstream connections (requests, WebSockets) ──► Drained(closed)
 * </pre>
 *
 * An instance that becomes live again before its drain ends (A→B→A) is never closed by that drain.
 * The drain watches this process's proxy only: a separate {@code berth proxy} switches at its next
 * rebuild (a notice or a poll, within a second) and keeps old requests open on its own.
 */
public final class AppTraffic {
  private static final Log LOG = Log.of(AppTraffic.class);
  // A request picks its instance a moment before the balancer counts it; a drain that reads zero
  // twice this far apart has outlived every request routed by the old table.
  private static final Duration TICK = Duration.ofMillis(25);

  /** An app's live instances as the switch sees them. */
  public record Live(String app, List<HostPort> instances, Target.Balance balance) {
    public Live {
      instances = List.copyOf(instances);
    }
  }

  /**
   * How a drain ended: the old instances it waited for, how many requests were still open to them
   * at the deadline (0 when it completed in time), and whether their connections were closed.
   */
  public record Drained(
      String app, List<HostPort> drained, int openAtDeadline, boolean closed, Duration took) {
    public Drained {
      drained = List.copyOf(drained);
    }

    public boolean complete() {
      return openAtDeadline == 0;
    }
  }

  /** A switch that took effect: the new instances serve; {@code drained} ends when old ones did. */
  public record Drain(Live now, List<HostPort> draining, CompletionStage<Drained> drained) {
    public Drain {
      draining = List.copyOf(draining);
    }
  }

  private final AppTargets store;
  private final RouteRefresher refresher;
  private final AppNames apps;
  private final Balancer balancer;
  private final InstantSource clock;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  public AppTraffic(
      AppTargets store,
      RouteRefresher refresher,
      AppNames apps,
      EdgeServer edge,
      InstantSource clock) {
    this(store, refresher, apps, edge.balancer(), clock);
  }

  AppTraffic(
      AppTargets store,
      RouteRefresher refresher,
      AppNames apps,
      Balancer balancer,
      InstantSource clock) {
    this.store = store;
    this.refresher = refresher;
    this.apps = apps;
    this.balancer = balancer;
    this.clock = clock;
  }

  /** The app's live instances (none when it has nothing live); unknown app: AppNotFound. */
  public Live live(String app) {
    requireApp(app);
    return store
        .get(app)
        .map(l -> new Live(app, l.instances(), l.balance()))
        .orElse(new Live(app, List.of(), Target.Balance.ROUND_ROBIN));
  }

  /** Routes every new request of {@code app} to {@code instances}, then drains the old ones. */
  public Drain switchTo(String app, List<HostPort> instances, Duration drainTimeout) {
    return switchTo(app, instances, Target.Balance.ROUND_ROBIN, drainTimeout);
  }

  /** As {@link #switchTo(String, List, Duration)}, with the balance between the new instances. */
  public Drain switchTo(
      String app, List<HostPort> instances, Target.Balance balance, Duration drainTimeout) {
    requireApp(app);
    var next = List.copyOf(new LinkedHashSet<>(instances));
    synchronized (locks.computeIfAbsent(app, a -> new Object())) {
      var before = store.replace(app, next, balance);
      store.notifyChange();
      // Throws when the store cannot be read back: then this table was not switched, no drain
      // starts (it would report old instances drained while they still take requests), and the
      // caller hears 503; the refresher's poll applies the stored switch later.
      refresher.refresh();
      var old = new ArrayList<HostPort>();
      before.ifPresent(
          b -> b.instances().stream().filter(i -> !next.contains(i)).forEach(old::add));
      LOG.info("traffic switched", "app", app, "instances", next, "draining", old);
      var result = new CompletableFuture<Drained>();
      if (old.isEmpty()) {
        result.complete(new Drained(app, List.of(), 0, false, Duration.ZERO));
      } else {
        Thread.ofVirtual().name("drain-" + app).start(() -> drain(app, old, drainTimeout, result));
      }
      return new Drain(new Live(app, next, balance), old, result);
    }
  }

  /** No live instances: the app answers 503 "no instances" again once the old ones drained. */
  public Drain stop(String app, Duration drainTimeout) {
    return switchTo(app, List.of(), drainTimeout);
  }

  private void drain(
      String app, List<HostPort> old, Duration timeout, CompletableFuture<Drained> result) {
    long started = clock.millis();
    long deadline = started + timeout.toMillis();
    int zeros = 0;
    try {
      while (true) {
        var watched = stillOld(app, old);
        int open = watched.stream().mapToInt(balancer::inFlight).sum();
        zeros = open == 0 ? zeros + 1 : 0;
        long now = clock.millis();
        if (zeros >= 2) {
          result.complete(new Drained(app, old, 0, false, Duration.ofMillis(now - started)));
          return;
        }
        if (now >= deadline) {
          watched.forEach(balancer::closeActive);
          LOG.warn("drain timed out; connections closed", "app", app, "open", open);
          result.complete(new Drained(app, old, open, true, Duration.ofMillis(now - started)));
          return;
        }
        Thread.sleep(TICK);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** The old instances that did not become the app's live ones again meanwhile (A→B→A). */
  private List<HostPort> stillOld(String app, List<HostPort> old) {
    var live = refresher.appTarget(app);
    if (live instanceof Target.Upstreams upstreams) {
      return old.stream().filter(i -> !upstreams.instances().contains(i)).toList();
    }
    return old;
  }

  private void requireApp(String app) {
    if (!apps.list().contains(app)) {
      throw new TrafficException(new TrafficError.AppNotFound(app));
    }
  }
}
