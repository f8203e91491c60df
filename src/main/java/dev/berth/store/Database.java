package dev.berth.store;

import dev.berth.core.Log;
import dev.berth.core.StartupException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The store. Work runs in {@link #read} or {@link #write}; a write is one transaction, committed
 * when the work returns and rolled back when it throws.
 *
 * <pre>
 *  SQLite (default)                        PostgreSQL (--database-url)
 *  writers: 1 connection  ── serialised    one pool of 8 connections for reads and writes
 *  readers: 2 read-only connections (WAL lets them read while the writer writes)
 * </pre>
 *
 * SQLite runs in WAL mode with {@code synchronous=FULL}, so a transaction that returned is on disk
 * before the caller acknowledges anything, and a {@code kill -9} loses nothing acknowledged.
 */
public final class Database implements AutoCloseable {
  private static final Log LOG = Log.of(Database.class);

  public enum Dialect {
    SQLITE,
    POSTGRES
  }

  /** Work on a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Tx tx) throws SQLException;
  }

  /** A database failure the caller cannot fix; the HTTP layer answers it with a plain 500/503. */
  public static final class StoreException extends dev.berth.core.UnavailableException {
    StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Dialect dialect;
  private final String display;
  private final Pool writers;
  private final Pool readers;
  // PostgreSQL only: opens the dedicated connection a listener holds (see #listen).
  private final Connector listenConnector;

  private Database(
      Dialect dialect, String display, Pool writers, Pool readers, Connector listenConnector) {
    this.dialect = dialect;
    this.display = display;
    this.writers = writers;
    this.readers = readers;
    this.listenConnector = listenConnector;
  }

  /** SQLite in {@code file} when {@code url} is empty, else the PostgreSQL database it names. */
  public static Database open(Optional<String> url, Path file) {
    if (url.isEmpty() || url.get().isBlank()) {
      return sqlite(file);
    }
    return postgres(DatabaseUrl.parse(url.get()));
  }

  static Database sqlite(Path file) {
    String jdbc = "jdbc:sqlite:" + file.toAbsolutePath();
    Connector writer = () -> sqliteConnection(jdbc, false);
    Connector reader = () -> sqliteConnection(jdbc, true);
    var writers = new Pool(writer, 1);
    try {
      writers.release(writers.take()); // opens the file and turns on WAL before readers connect
    } catch (SQLException e) {
      writers.close();
      throw new StartupException("cannot open SQLite database " + file + ": " + e.getMessage());
    }
    return new Database(Dialect.SQLITE, "sqlite:" + file, writers, new Pool(reader, 2), null);
  }

  private static Connection sqliteConnection(String jdbc, boolean readOnly) throws SQLException {
    var props = new Properties();
    props.setProperty("journal_mode", "WAL");
    props.setProperty("synchronous", "FULL");
    props.setProperty("foreign_keys", "true");
    props.setProperty("busy_timeout", "5000");
    if (readOnly) {
      props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
    }
    Connection connection = new org.sqlite.JDBC().connect(jdbc, props);
    if (connection == null) {
      throw new SQLException("the SQLite driver refused " + jdbc);
    }
    return connection;
  }

  static Database postgres(DatabaseUrl url) {
    Connector connector =
        () -> {
          Connection c = new org.postgresql.Driver().connect(url.jdbcUrl(), url.properties());
          if (c == null) {
            throw new SQLException("the PostgreSQL driver refused " + url.display());
          }
          return c;
        };
    var pool = new Pool(connector, 8);
    try {
      pool.release(pool.take());
    } catch (SQLException e) {
      pool.close();
      throw new StartupException(
          "cannot connect to " + url.display() + ": " + firstLine(e.getMessage()));
    }
    return new Database(Dialect.POSTGRES, url.display(), pool, pool, connector);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Where the data lives, without credentials: safe to print. */
  public String display() {
    return display;
  }

  /**
   * Tells every process listening on {@code channel} that something it reads changed ({@code
   * NOTIFY}). A no-op on SQLite, where readers poll; best effort: a failure is logged, and the
   * listeners' poll catches up.
   */
  public void notifyChange(String channel) {
    if (dialect != Dialect.POSTGRES) {
      return;
    }
    try {
      write(tx -> tx.query("SELECT pg_notify(?, '')", r -> r.getObject(1), channel));
    } catch (RuntimeException e) {
      LOG.warn("change notice not sent", "channel", channel, "error", e.toString());
    }
  }

  /**
   * A listener for {@link #notifyChange} on its own connection ({@code LISTEN}); empty on SQLite.
   * Only PostgreSQL delivers notices, so callers keep polling as the fallback.
   */
  public Optional<ChangeListener> listen(String channel) {
    return listenConnector == null
        ? Optional.empty()
        : Optional.of(new ChangeListener(listenConnector::connect, channel));
  }

  public <T> T read(Work<T> work) {
    return run(readers, work, false);
  }

  public <T> T write(Work<T> work) {
    return run(writers, work, true);
  }

  private <T> T run(Pool pool, Work<T> work, boolean transactional) {
    Connection connection;
    try {
      connection = pool.take();
    } catch (SQLException e) {
      throw new StoreException("the database is unavailable", e);
    }
    boolean broken = false;
    try {
      connection.setAutoCommit(!transactional);
      T result = work.run(new Tx(connection, dialect));
      if (transactional) {
        connection.commit();
      }
      return result;
    } catch (SQLException e) {
      broken = rollback(connection, transactional) || isConnectionLost(e);
      throw new StoreException("the store could not complete the request", e);
    } catch (RuntimeException | Error e) {
      broken = rollback(connection, transactional);
      throw e;
    } finally {
      if (broken) {
        pool.discard(connection);
      } else {
        pool.release(connection);
      }
    }
  }

  /** Rolls back; returns true when the connection is no longer usable. */
  private static boolean rollback(Connection connection, boolean transactional) {
    if (!transactional) {
      return false;
    }
    try {
      connection.rollback();
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  private static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  @Override
  public void close() {
    // Read-only connections close first: the last connection to close checkpoints the WAL into
    // the database file, and only a writer can do that.
    if (readers != writers) {
      readers.close();
    }
    writers.close();
    LOG.info("store closed", "store", display);
  }

  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  /** A fixed-size pool: connections are opened on demand and replaced when they break. */
  static final class Pool {
    private final Connector connector;
    private final BlockingQueue<Connection> idle;
    private final java.util.concurrent.Semaphore permits;
    private final List<Connection> all = new ArrayList<>();
    private volatile boolean closed;

    Pool(Connector connector, int size) {
      this.connector = connector;
      this.idle = new ArrayBlockingQueue<>(size);
      this.permits = new java.util.concurrent.Semaphore(size, true);
    }

    Connection take() throws SQLException {
      if (closed) {
        throw new SQLException("the store is closed");
      }
      try {
        if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
          throw new SQLException("timed out waiting for a database connection");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for a database connection");
      }
      Connection c = idle.poll();
      try {
        if (c == null || c.isClosed()) {
          c = connector.connect();
          synchronized (all) {
            all.add(c);
          }
        }
        return c;
      } catch (SQLException | RuntimeException e) {
        permits.release();
        throw e;
      }
    }

    void release(Connection c) {
      if (closed) {
        closeQuietly(c);
      } else {
        idle.offer(c);
      }
      permits.release();
    }

    void discard(Connection c) {
      closeQuietly(c);
      synchronized (all) {
        all.remove(c);
      }
      permits.release();
    }

    void close() {
      closed = true;
      synchronized (all) {
        all.forEach(Pool::closeQuietly);
        all.clear();
      }
      idle.clear();
    }

    private static void closeQuietly(Connection c) {
      try {
        c.close();
      } catch (SQLException e) {
        // Closing is best effort.
      }
    }
  }
}
