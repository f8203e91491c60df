package dev.berth.proxy;

import dev.berth.core.Ids;
import dev.berth.core.Lifecycle;
import dev.berth.core.Log;
import dev.berth.core.Metrics;
import dev.berth.store.Database;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the proxy's access records to the store without ever slowing a request: {@link #record}
 * only offers to a bounded queue (a full queue drops the record and counts it), and one virtual
 * thread drains the queue in batches, each batch one transaction.
 *
 * <pre>
 * event loops ──offer──► queue (bounded) ──drain ≤ batch or every flushEvery──► INSERT batch (one tx)
 *                 └ full: dropped++                          └ store fails: dropped += batch, log once a minute
 * idle writer ──every pruneEvery──► DELETE records older than retention, in small batches
 * </pre>
 *
 * A failing store (full disk, PostgreSQL down) costs only records: the writer keeps draining, so
 * the queue never backs up into the data plane, and each new batch is a new attempt.
 */
public final class AccessLog implements AccessSink, Lifecycle {
  private static final Log LOG = Log.of(AccessLog.class);
  static final String RECORDS = "berth_proxy_access_records_total";
  static final String DEPTH = "berth_proxy_access_queue_depth";
  private static final String INSERT =
      "INSERT INTO access_records (id, at, host, method, path, status, bytes_out, duration_us,"
          + " upstream, client, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final int MAX_PATH = 2048;
  static final int MAX_TEXT = 255;

  /** Sizes and clocks; {@link #DEFAULTS} is what users get. */
  public record Settings(
      int capacity,
      int batch,
      Duration flushEvery,
      Duration retention,
      Duration pruneEvery,
      int pruneBatch,
      Duration stopWithin) {
    public static final Settings DEFAULTS =
        new Settings(
            65_536,
            1_000,
            Duration.ofMillis(250),
            Duration.ofDays(7),
            Duration.ofMinutes(10),
            1_000,
            Duration.ofSeconds(3));
  }

  // How long the writer sleeps between drains while it gathers a batch.
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private final Database db;
  private final InstantSource clock;
  private final Ids ids;
  private final Settings settings;
  private final ArrayBlockingQueue<AccessRecord> queue;
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private volatile boolean stopping;
  private Thread writer;
  private long lastPrune;
  private long lastFailureLog = Long.MIN_VALUE;

  public AccessLog(Database db, InstantSource clock, Ids ids, Metrics metrics, Settings settings) {
    this.db = db;
    this.clock = clock;
    // Record ids must be unique and sorted, not unguessable: a fast generator seeded once from the
    // platform's ids spares the writer a SecureRandom draw per record (it ran at every request's
    // rate). Only the writer thread uses it.
    long seed =
        java.nio.ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(ids.secret(8))).getLong();
    this.ids = new Ids(clock, new java.util.SplittableRandom(seed));
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
    this.lastPrune = clock.millis();
    metrics.sampled(
        RECORDS,
        "Access records the proxy wrote to the store, or dropped (queue full or store failing).",
        "counter",
        sink -> {
          sink.add(Metrics.label("result", "written"), written.sum());
          sink.add(Metrics.label("result", "dropped"), dropped.sum());
        });
    metrics.sampled(
        DEPTH,
        "Access records waiting to be written.",
        "gauge",
        sink -> sink.add("", queue.size()));
  }

  /** Never blocks, never throws: a full queue (or a stopped log) drops the record and counts it. */
  @Override
  public void record(AccessRecord record) {
    if (record == null || stopping || !queue.offer(record)) {
      dropped.increment();
    }
  }

  @Override
  public void start() {
    writer = Thread.ofVirtual().name("access-log").start(this::run);
  }

  /** Stops taking records and writes what is queued, for at most {@code stopWithin}. */
  @Override
  public void stop() {
    stopping = true;
    if (writer == null) {
      return;
    }
    try {
      writer.join(settings.stopWithin().plusSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    var batch = new ArrayList<AccessRecord>(settings.batch());
    try {
      while (!stopping) {
        if (fill(batch)) {
          write(batch);
          batch.clear();
        } else {
          maybePrune();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushOnStop(batch);
  }

  /**
   * Waits up to {@code flushEvery} for a first record, then gathers more until the batch is full or
   * {@code flushEvery} has passed since the first. Returns false when nothing came.
   *
   * <p>Only the wait for the first record blocks on the queue. After it the writer sleeps in short
   * slices and drains what came meanwhile: a writer blocked on an empty queue is woken by the next
   * record's {@code offer}, and at thousands of requests a second that wake-up, paid on the event
   * loop once per record, cost the proxy more than the record itself.
   */
  private boolean fill(List<AccessRecord> batch) throws InterruptedException {
    long every = settings.flushEvery().toNanos();
    var first = queue.poll(every, TimeUnit.NANOSECONDS);
    if (first == null) {
      return false;
    }
    batch.add(first);
    long deadline = System.nanoTime() + every;
    while (!stopping) {
      queue.drainTo(batch, settings.batch() - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= settings.batch() || left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, SLICE_NANOS));
    }
    return true;
  }

  private void flushOnStop(List<AccessRecord> batch) {
    long deadline = System.nanoTime() + settings.stopWithin().toNanos();
    do {
      queue.drainTo(batch, settings.batch() - batch.size());
      write(batch);
      batch.clear();
    } while (!queue.isEmpty() && System.nanoTime() < deadline);
    dropped.add(queue.size());
    queue.clear();
  }

  /** One transaction for the whole batch; on failure the batch is dropped and counted. */
  void write(List<AccessRecord> batch) {
    if (batch.isEmpty()) {
      return;
    }
    var rows = new ArrayList<Object[]>(batch.size());
    for (var r : batch) {
      rows.add(row(r));
    }
    try {
      db.write(tx -> tx.batch(INSERT, rows));
      written.add(batch.size());
      batches.increment();
    } catch (RuntimeException e) {
      dropped.add(batch.size());
      failed("access records not written; dropping and retrying with the next batch", e);
    }
  }

  private Object[] row(AccessRecord r) {
    return new Object[] {
      ids.at(r.epochMillis()),
      r.epochMillis(),
      text(r.host(), MAX_TEXT).toLowerCase(java.util.Locale.ROOT),
      text(r.method(), 32),
      text(r.path(), MAX_PATH),
      (long) r.status(),
      r.bytesOut(),
      r.durationMicros(),
      r.upstream() == null ? null : text(r.upstream(), MAX_TEXT),
      text(r.client(), 64),
      text(r.requestId(), 128)
    };
  }

  /**
   * Bounded, and safe for PostgreSQL text: NUL and lone surrogates (which PostgreSQL refuses)
   * become U+FFFD, so one odd request never fails a whole batch.
   */
  static String text(String value, int max) {
    if (value == null) {
      return "";
    }
    String cut = value.length() > max ? value.substring(0, max) : value;
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        return replaced(cut);
      }
    }
    return cut; // the usual case: nothing to replace, nothing copied
  }

  private static String replaced(String cut) {
    var out = new StringBuilder(cut.length());
    cut.codePoints()
        .forEach(
            cp ->
                out.appendCodePoint(
                    cp == 0 || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)
                        ? 0xFFFD
                        : cp));
    return out.toString();
  }

  private void maybePrune() {
    long now = clock.millis();
    if (now - lastPrune >= settings.pruneEvery().toMillis()) {
      lastPrune = now;
      prune();
    }
  }

  /**
   * Deletes records older than the retention in batches of {@code pruneBatch}, stopping as soon as
   * records arrive (requests come first). Returns how many were deleted.
   */
  int prune() {
    long cutoff = clock.millis() - settings.retention().toMillis();
    int total = 0;
    try {
      while (!stopping) {
        int deleted =
            db.write(
                tx ->
                    tx.update(
                        "DELETE FROM access_records WHERE id IN (SELECT id FROM access_records"
                            + " WHERE at < ? ORDER BY at LIMIT ?)",
                        cutoff,
                        settings.pruneBatch()));
        total += deleted;
        if (deleted < settings.pruneBatch() || queue.size() > settings.batch()) {
          break;
        }
      }
    } catch (RuntimeException e) {
      failed("old access records not pruned; retrying later", e);
    }
    return total;
  }

  private void failed(String message, RuntimeException e) {
    long now = clock.millis();
    if (now - lastFailureLog >= 60_000 || lastFailureLog == Long.MIN_VALUE) {
      lastFailureLog = now;
      LOG.warn(message, "error", e.toString(), "dropped_total", dropped.sum());
    }
  }

  long written() {
    return written.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long batches() {
    return batches.sum();
  }

  int depth() {
    return queue.size();
  }
}
