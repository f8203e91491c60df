package dev.berth.proxy;

import dev.berth.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code access_records} table for the console (never on the request path). */
public final class AccessRecords {
  /** One stored access record, as the API shows it. */
  record Stored(
      String id,
      Instant at,
      String host,
      String method,
      String path,
      int status,
      long bytesOut,
      long durationUs,
      String upstream,
      String client,
      String requestId) {}

  /** Requests in one minute, by status class. */
  record Minute(Instant at, long requests, Map<String, Long> statuses) {}

  private final Database db;

  public AccessRecords(Database db) {
    this.db = db;
  }

  /** Newest first; {@code before} is the id of the last record of the previous page. */
  List<Stored> list(Optional<String> host, Optional<String> before, int limit) {
    var sql = new StringBuilder("SELECT * FROM access_records WHERE 1 = 1");
    var args = new ArrayList<Object>();
    host.ifPresent(
        h -> {
          sql.append(" AND host = ?");
          args.add(h);
        });
    before.ifPresent(
        b -> {
          sql.append(" AND id < ?");
          args.add(b);
        });
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add((long) limit);
    return db.read(tx -> tx.query(sql.toString(), AccessRecords::row, args.toArray()));
  }

  private static Stored row(java.sql.ResultSet r) throws java.sql.SQLException {
    return new Stored(
        r.getString("id"),
        Instant.ofEpochMilli(r.getLong("at")),
        r.getString("host"),
        r.getString("method"),
        r.getString("path"),
        r.getInt("status"),
        r.getLong("bytes_out"),
        r.getLong("duration_us"),
        r.getString("upstream"),
        r.getString("client"),
        r.getString("request_id"));
  }

  /**
   * Per-minute request counts for {@code hosts} over the {@code minutes} minutes ending with the
   * minute of {@code nowMillis}, oldest first, every minute present (zeros included).
   */
  List<Minute> traffic(List<String> hosts, long nowMillis, int minutes) {
    long last = nowMillis / 60_000;
    long first = last - minutes + 1;
    var args = new ArrayList<Object>(hosts);
    args.add(first * 60_000);
    args.add((last + 1) * 60_000);
    String marks = String.join(", ", java.util.Collections.nCopies(hosts.size(), "?"));
    var counts =
        db.read(
            tx ->
                tx.query(
                    "SELECT at / 60000, status / 100, count(*) FROM access_records WHERE host IN ("
                        + marks
                        + ") AND at >= ? AND at < ? GROUP BY at / 60000, status / 100",
                    r -> new long[] {r.getLong(1), r.getLong(2), r.getLong(3)},
                    args.toArray()));
    var out = new ArrayList<Minute>(minutes);
    for (long m = first; m <= last; m++) {
      var statuses = new LinkedHashMap<String, Long>();
      for (int c = 1; c <= 5; c++) {
        statuses.put(c + "xx", 0L);
      }
      long total = 0;
      for (long[] row : counts) {
        if (row[0] == m) {
          statuses.merge(Math.clamp(row[1], 1, 5) + "xx", row[2], Long::sum);
          total += row[2];
        }
      }
      out.add(new Minute(Instant.ofEpochMilli(m * 60_000), total, statuses));
    }
    return out;
  }
}
