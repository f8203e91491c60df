package dev.berth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One unit of database work on one connection. Arguments bind by position; {@code null}, {@link
 * String}, {@link Long}, {@link Integer} and {@link Boolean} (stored as 0/1, the one form both
 * SQLite and PostgreSQL read the same way) are supported.
 */
public final class Tx {
  private final Connection connection;
  private final Database.Dialect dialect;

  Tx(Connection connection, Database.Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  public Database.Dialect dialect() {
    return dialect;
  }

  public int update(String sql, Object... args) throws SQLException {
    try (var statement = prepare(sql, args)) {
      return statement.executeUpdate();
    }
  }

  /**
   * Runs one statement for each row of arguments as a single JDBC batch (one round trip on
   * PostgreSQL); returns the number of rows.
   */
  public int batch(String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    try (var statement = connection.prepareStatement(sql)) {
      for (Object[] args : rows) {
        for (int i = 0; i < args.length; i++) {
          bind(statement, i + 1, args[i]);
        }
        statement.addBatch();
      }
      statement.executeBatch();
      return rows.size();
    }
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (var statement = prepare(sql, args);
        var rows = statement.executeQuery()) {
      var out = new ArrayList<T>();
      while (rows.next()) {
        out.add(mapper.map(rows));
      }
      return out;
    }
  }

  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (var statement = prepare(sql, args);
        var rows = statement.executeQuery()) {
      return rows.next() ? Optional.ofNullable(mapper.map(rows)) : Optional.empty();
    }
  }

  public long count(String sql, Object... args) throws SQLException {
    return one(sql, r -> r.getLong(1), args).orElse(0L);
  }

  /** A nullable BIGINT column. */
  public static Long nullableLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    var statement = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        bind(statement, i + 1, args[i]);
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value)
      throws SQLException {
    switch (value) {
      // Untyped, so PostgreSQL infers the column's type (a VARCHAR null fails on BIGINT).
      case null -> statement.setNull(index, Types.NULL);
      case String s -> statement.setString(index, s);
      case Long l -> statement.setLong(index, l);
      case Integer n -> statement.setLong(index, n);
      case Boolean b -> statement.setLong(index, b ? 1 : 0);
      default ->
          throw new IllegalArgumentException("cannot bind " + value.getClass().getSimpleName());
    }
  }
}
