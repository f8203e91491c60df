package dev.berth.proxy;

import java.util.Locale;

/**
 * One entry of the route table: requests whose host equals {@code host} (or, for {@code
 * *.example.com}, has exactly one more label in front of {@code example.com}) and whose path starts
 * with {@code pathPrefix} go to {@code target}. Hosts are lower case without a port.
 */
public record Route(String host, String pathPrefix, Target target) {
  public Route {
    host = host.toLowerCase(Locale.ROOT);
    if (pathPrefix == null || pathPrefix.isEmpty()) {
      pathPrefix = "/";
    }
    if (!pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("a path prefix starts with /");
    }
  }

  public boolean wildcard() {
    return host.startsWith("*.");
  }

  /** True when {@code path} is under this route's prefix ({@code /api} matches /api and /api/x). */
  boolean coversPath(String path) {
    if (pathPrefix.equals("/")) {
      return true;
    }
    if (!path.startsWith(pathPrefix)) {
      return false;
    }
    return path.length() == pathPrefix.length()
        || pathPrefix.endsWith("/")
        || path.charAt(pathPrefix.length()) == '/';
  }
}
