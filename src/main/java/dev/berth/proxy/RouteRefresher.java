package dev.berth.proxy;

import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.store.ChangeListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@link Routes} in step with the store. The routes API and the traffic switch call {@link
 * #refresh} right after each write; a background virtual thread reads a cheap change mark every
 * {@code every} and rebuilds when it moved, so apps created or deleted and routes changed by
 * another process show up within that time. It also rebuilds every {@link #FULL_REBUILD_EVERY}
 * polls, in case two changes left the mark as it was. On PostgreSQL it also LISTENs for {@link
 * AppTargets#CHANNEL}: a notice from any process rebuilds at once, and the poll stays as fallback.
 *
 * <pre>
 * loop: wait (a notice, or `every`) ─► notice: refresh ─► else: poll (mark moved? refresh)
 * </pre>
 *
 * <p>The loop never throws: when the store fails it logs and the proxy keeps serving the last
 * table.
 */
public final class RouteRefresher implements Lifecycle {
  private static final Log LOG = Log.of(RouteRefresher.class);
  static final int FULL_REBUILD_EVERY = 30;

  private final RouteStore store;
  private final AppNames apps;
  private final AppTargets live;
  private final Routes routes;
  private final String domain;
  private final Duration every;
  // Stopping counts this down; the poller waits on it instead of sleeping, so it is never
  // interrupted (an interrupt would close a PostgreSQL connection in the middle of a read).
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CustomHosts custom;
  private volatile Object lastMark;
  private int pollsSinceRebuild;
  private boolean failing;
  private Optional<ChangeListener> listener = Optional.empty();
  private Thread poller;

  /** Apps' custom domains and a mark that moves when they change. */
  public interface CustomHosts {
    List<CustomHost> list();

    Object mark();

    CustomHosts NONE =
        new CustomHosts() {
          @Override
          public List<CustomHost> list() {
            return List.of();
          }

          @Override
          public Object mark() {
            return "";
          }
        };
  }

  public RouteRefresher(
      RouteStore store, AppNames apps, Routes routes, String domain, Duration every) {
    this(store, apps, null, routes, domain, every, CustomHosts.NONE);
  }

  /** {@code live}: where the apps' live instances come from. */
  public RouteRefresher(
      RouteStore store,
      AppNames apps,
      AppTargets live,
      Routes routes,
      String domain,
      Duration every) {
    this(store, apps, live, routes, domain, every, CustomHosts.NONE);
  }

  /** {@code custom}: apps' custom domains, routed like the app's own host. */
  public RouteRefresher(
      RouteStore store,
      AppNames apps,
      AppTargets live,
      Routes routes,
      String domain,
      Duration every,
      CustomHosts custom) {
    this.custom = custom;
    this.store = store;
    this.apps = apps;
    this.live = live;
    this.routes = routes;
    this.domain = domain;
    this.every = every;
  }

  /**
   * Rebuilds the table from the store and swaps it in. Synchronized so that of two refreshes the
   * one that read later is the one that stays.
   */
  public synchronized void refresh() {
    var mark = mark();
    var targets = new HashMap<String, Target>();
    if (live != null) {
      live.all().forEach((app, l) -> targets.put(app, l.target()));
    }
    var built =
        RouteTables.build(domain, store.list(), apps.list(), Map.copyOf(targets), custom.list());
    lastMark = mark;
    pollsSinceRebuild = 0;
    if (built.table().routes().equals(routes.current().routes())) {
      return;
    }
    routes.replace(built.table());
    for (var route : built.shadowed()) {
      LOG.warn(
          "route left out: its host belongs to Berth",
          "host",
          route.host(),
          "path_prefix",
          route.pathPrefix());
    }
    LOG.debug("route table replaced", "routes", built.table().routes().size());
  }

  /** The live table this refresher keeps current. */
  Routes routes() {
    return routes;
  }

  /** Where the live table sends {@code <app>.<domain>/} now (null when nowhere). */
  Target appTarget(String app) {
    return routes.current().match(app + "." + domain, "/").map(Route::target).orElse(null);
  }

  private Object mark() {
    return List.of(store.changeMark(), live == null ? "" : live.mark(), custom.mark());
  }

  /**
   * After a committed write: tells other proxy processes (PostgreSQL), then rebuilds here. A
   * failure here is logged, and the poller retries.
   */
  void refreshAfterWrite() {
    if (live != null) {
      live.notifyChange();
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      lastMark = null;
      LOG.warn("route table not rebuilt after a change; retrying", "error", e.toString());
    }
  }

  /** One poll: rebuilds when the store changed (or {@code force}). Never throws. */
  synchronized void poll(boolean force) {
    try {
      pollsSinceRebuild++;
      if (force || pollsSinceRebuild >= FULL_REBUILD_EVERY || !Objects.equals(mark(), lastMark)) {
        refresh();
      }
      if (failing) {
        LOG.info("route store readable again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("route store unreadable; serving the last route table", "error", e.toString());
        failing = true;
      }
    }
  }

  void poll() {
    poll(false);
  }

  @Override
  public void start() {
    refresh();
    listener = live == null ? Optional.empty() : live.listen();
    poller = Thread.ofVirtual().name("route-refresher").start(this::loop);
  }

  private void loop() {
    try {
      while (true) {
        boolean notified = false;
        if (listener.isPresent()) {
          notified = listener.get().await(every);
          if (stopping.getCount() == 0) {
            return;
          }
        } else if (stopping.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        poll(notified);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    stopping.countDown();
    if (poller != null) {
      try {
        poller.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    listener.ifPresent(ChangeListener::close);
  }
}
