package dev.berth.store;

import dev.berth.core.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.PGConnection;

/**
 * PostgreSQL {@code LISTEN} on one dedicated connection: {@link #await} returns as soon as a notice
 * on the channel arrives. The connection is opened on first use and reopened after it breaks, so a
 * database restart costs one missed notice, which the caller's poll catches up on.
 *
 * <pre>
 * await ─► (no connection) connect + LISTEN ─► getNotifications(timeout) ─► true: a change
 *                                                   └─ timeout: false   └─ failure: drop, false
 * </pre>
 *
 * One thread calls {@link #await}; {@link #close} may come from another.
 */
public final class ChangeListener implements AutoCloseable {
  private static final Log LOG = Log.of(ChangeListener.class);

  private final Database.Connector connector;
  private final String channel;
  private volatile Connection connection;
  private volatile boolean closed;
  private boolean failing;

  ChangeListener(Database.Connector connector, String channel) {
    if (!channel.matches("[a-z_]{1,63}")) {
      throw new IllegalArgumentException("channel must be a lowercase SQL identifier");
    }
    this.connector = connector;
    this.channel = channel;
  }

  /**
   * Waits up to {@code timeout} for a notice. True when one (or several) arrived; false on timeout
   * or when the database cannot be reached (then it waits the timeout out, so callers never spin).
   */
  public boolean await(Duration timeout) {
    long started = System.nanoTime();
    try {
      var pg = connected().unwrap(PGConnection.class);
      var notices = pg.getNotifications((int) Math.max(1, timeout.toMillis()));
      if (failing) {
        LOG.info("listening for changes again", "channel", channel);
        failing = false;
      }
      return notices != null && notices.length > 0;
    } catch (SQLException | RuntimeException e) {
      drop();
      if (!failing && !closed) {
        LOG.warn("change listener lost its connection", "channel", channel, "error", e.toString());
        failing = true;
      }
      sleepRest(timeout, started);
      return false;
    }
  }

  private Connection connected() throws SQLException {
    var current = connection;
    if (current != null) {
      return current;
    }
    if (closed) {
      throw new SQLException("the listener is closed");
    }
    current = connector.connect();
    try (var statement = current.createStatement()) {
      current.setAutoCommit(true);
      statement.execute("LISTEN " + channel);
    } catch (SQLException e) {
      current.close();
      throw e;
    }
    connection = current;
    return current;
  }

  private static void sleepRest(Duration timeout, long startedNanos) {
    long left = timeout.toNanos() - (System.nanoTime() - startedNanos);
    if (left > 0) {
      try {
        Thread.sleep(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void drop() {
    var current = connection;
    connection = null;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException e) {
        // Already broken.
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    drop();
  }
}
