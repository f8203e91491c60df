package dev.berth.store;

import dev.berth.core.StartupException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A PostgreSQL URL as users write it ({@code postgresql://user:pass@host:5432/db?sslmode=require},
 * also {@code postgres://} and {@code jdbc:postgresql://}), turned into what the JDBC driver takes.
 */
record DatabaseUrl(String jdbcUrl, Properties properties, String display) {
  static DatabaseUrl parse(String text) {
    String raw = text.trim();
    if (raw.startsWith("jdbc:")) {
      raw = raw.substring(5);
    }
    if (!raw.startsWith("postgresql://") && !raw.startsWith("postgres://")) {
      throw new StartupException(
          "--database-url must be a PostgreSQL URL like postgresql://user:pass@host:5432/db"
              + " (leave it out for the built-in SQLite store)");
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new StartupException("--database-url is not a valid URL: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new StartupException("--database-url names no host");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.length() <= 1) {
      throw new StartupException("--database-url names no database (postgresql://host/DBNAME)");
    }
    var props = new Properties();
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      props.setProperty("user", decode(parts[0]));
      if (parts.length == 2) {
        props.setProperty("password", decode(parts[1]));
      }
    }
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        if (!kv[0].isEmpty()) {
          props.setProperty(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
        }
      }
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String hostPort = uri.getHost() + ":" + port;
    String jdbc = "jdbc:postgresql://" + hostPort + path;
    return new DatabaseUrl(jdbc, props, "postgresql://" + hostPort + path);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
