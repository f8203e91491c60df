package dev.berth.proxy;

import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the {@link CertificateBook} in step with the {@code certificates} table: loads every
 * certificate at start, then reads a cheap change mark every {@code every} and reloads when it
 * moved (and every {@link #FULL_RELOAD_EVERY} polls regardless), so a certificate issued or
 * uploaded by another Berth process is served within that time. The API and the renewer also call
 * {@link #refresh} right after they write.
 *
 * <p>A row that cannot be read (a key sealed with another master key, a damaged chain) is left out
 * and logged; the rest are served. When the store fails the book keeps the last set.
 */
public final class CertificateRefresher implements Lifecycle {
  private static final Log LOG = Log.of(CertificateRefresher.class);
  static final int FULL_RELOAD_EVERY = 30;

  private final DomainStore store;
  private final CertificateBook book;
  private final Duration every;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private DomainStore.ChangeMark lastMark;
  private int pollsSinceReload;
  private boolean failing;
  private Thread poller;

  public CertificateRefresher(DomainStore store, CertificateBook book, Duration every) {
    this.store = store;
    this.book = book;
    this.every = every;
  }

  /** Reloads every certificate into the book. */
  public synchronized void refresh() {
    var mark = store.certificatesMark();
    var entries = new ArrayList<CertificateBook.Entry>();
    for (var stored : store.certificates()) {
      try {
        entries.add(CertificatePem.entry(stored));
      } catch (RuntimeException e) {
        LOG.warn(
            "certificate left out: unreadable", "host", stored.host(), "error", e.getMessage());
      }
    }
    book.replaceAll(entries);
    lastMark = mark;
    pollsSinceReload = 0;
    LOG.debug("certificates loaded", "certificates", entries.size());
  }

  /** After a committed write: a failure here is logged, and the poller retries. */
  void refreshAfterWrite() {
    try {
      refresh();
    } catch (RuntimeException e) {
      lastMark = null;
      LOG.warn("certificates not reloaded after a change; retrying", "error", e.toString());
    }
  }

  /** One poll: reloads when the store changed. Never throws. */
  synchronized void poll() {
    try {
      pollsSinceReload++;
      if (pollsSinceReload >= FULL_RELOAD_EVERY || !store.certificatesMark().equals(lastMark)) {
        refresh();
      }
      if (failing) {
        LOG.info("certificate store readable again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn(
            "certificate store unreadable; serving the last certificates", "error", e.toString());
        failing = true;
      }
    }
  }

  @Override
  public void start() {
    refreshAfterWrite();
    poller = Thread.ofVirtual().name("certificate-refresher").start(this::loop);
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
