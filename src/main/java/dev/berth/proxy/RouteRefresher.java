package dev.berth.proxy;

import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@link Routes} in step with the store. The routes API calls {@link #refresh} right after
 * each write; a background virtual thread reads a cheap change mark every {@code every} and
 * rebuilds when it moved, so apps created or deleted and routes changed by another process show up
 * within that time. It also rebuilds every {@link #FULL_REBUILD_EVERY} polls, in case two changes
 * left the mark as it was.
 *
 * <p>The poller never throws out of its loop: when the store fails it logs and the proxy keeps
 * serving the last table.
 */
public final class RouteRefresher implements Lifecycle {
  private static final Log LOG = Log.of(RouteRefresher.class);
  static final int FULL_REBUILD_EVERY = 30;

  private final RouteStore store;
  private final AppNames apps;
  private final Routes routes;
  private final String domain;
  private final Duration every;
  // Stopping counts this down; the poller waits on it instead of sleeping, so it is never
  // interrupted (an interrupt would close a PostgreSQL connection in the middle of a read).
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CustomHosts custom;
  private volatile RouteStore.ChangeMark lastMark;
  private volatile Object lastCustomMark;
  private int pollsSinceRebuild;
  private boolean failing;
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
    this(store, apps, routes, domain, every, CustomHosts.NONE);
  }

  public RouteRefresher(
      RouteStore store,
      AppNames apps,
      Routes routes,
      String domain,
      Duration every,
      CustomHosts custom) {
    this.custom = custom;
    this.store = store;
    this.apps = apps;
    this.routes = routes;
    this.domain = domain;
    this.every = every;
  }

  /**
   * Rebuilds the table from the store and swaps it in. Synchronized so that of two refreshes the
   * one that read later is the one that stays.
   */
  public synchronized void refresh() {
    var mark = store.changeMark();
    var customMark = custom.mark();
    var built = RouteTables.build(domain, store.list(), apps.list(), custom.list());
    lastMark = mark;
    lastCustomMark = customMark;
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

  /** After a committed write: a failure here is logged, and the poller retries. */
  void refreshAfterWrite() {
    try {
      refresh();
    } catch (RuntimeException e) {
      lastMark = null;
      LOG.warn("route table not rebuilt after a change; retrying", "error", e.toString());
    }
  }

  /** One poll: rebuilds when the store changed. Never throws. */
  synchronized void poll() {
    try {
      pollsSinceRebuild++;
      if (pollsSinceRebuild >= FULL_REBUILD_EVERY
          || !store.changeMark().equals(lastMark)
          || !custom.mark().equals(lastCustomMark)) {
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

  @Override
  public void start() {
    refresh();
    poller = Thread.ofVirtual().name("route-refresher").start(this::loop);
  }

  private void loop() {
    try {
      while (!stopping.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
        poll();
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
  }
}
