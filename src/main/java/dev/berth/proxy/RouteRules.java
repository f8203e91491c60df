package dev.berth.proxy;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a route's host, targets and path prefix may be. Each check returns what is wrong in plain
 * words, or empty when the value is acceptable. The rules are strict on purpose: every accepted
 * value has one spelling, so the table never holds two routes that differ only in form.
 */
final class RouteRules {
  static final int MAX_HOST = 253;
  static final int MAX_LABEL = 63;
  static final int MAX_PREFIX = 256;
  static final int MAX_TARGETS = 32;
  static final String HOST_RULE =
      "a host is a lowercase DNS name (labels of a-z, 0-9 and '-', 1 to 63 characters, not"
          + " starting or ending with '-'; at most 253 characters), optionally starting with '*.'"
          + " for one label; no port, no trailing dot, no IP address";
  static final String TARGETS_RULE =
      "targets is a list of 1 to " + MAX_TARGETS + " \"host:port\" strings";
  static final String TARGET_RULE =
      "a target is host:port, where host is an IPv4 address, an [IPv6] address in brackets or a"
          + " lowercase DNS name, and port is 1 to 65535";
  static final String PREFIX_RULE =
      "a path prefix starts with '/', is at most 256 characters of letters, digits and"
          + " -._~!$&'()*+,;=:@/, and has no '..', '//', query, fragment or '%'";
  static final String BALANCE_RULE = "balance is \"round_robin\" or \"least_in_flight\"";
  static final int MAX_ROOT = 1024;
  static final String ONE_DESTINATION =
      "a route has exactly one of targets (upstream services) or root (a folder to serve)";
  static final String ROOT_RULE =
      "root is the absolute path of an existing directory on the Berth host (at most 1024"
          + " characters, normalised: no '.', '..' or '//' segments, no trailing '/'), not '/'";

  private RouteRules() {}

  static Optional<String> hostProblem(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of("host is empty; " + HOST_RULE);
    }
    if (host.length() > MAX_HOST) {
      return Optional.of("host is longer than 253 characters; " + HOST_RULE);
    }
    if (host.indexOf(':') >= 0 || host.startsWith("[")) {
      return Optional.of("host has a port or is an IPv6 address; " + HOST_RULE);
    }
    if (host.endsWith(".")) {
      return Optional.of("host ends with a dot; " + HOST_RULE);
    }
    boolean wildcard = host.startsWith("*.");
    String name = wildcard ? host.substring(2) : host;
    if (name.indexOf('*') >= 0) {
      return Optional.of(
          "a wildcard is only allowed as the whole first label ('*.'); " + HOST_RULE);
    }
    if (wildcard && name.indexOf('.') < 0) {
      return Optional.of("a wildcard needs a parent of two labels or more; " + HOST_RULE);
    }
    return dnsNameProblem(name).map(p -> "host " + p + "; " + HOST_RULE);
  }

  /** A DNS name of labels, without wildcard, port or trailing dot. */
  private static Optional<String> dnsNameProblem(String name) {
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        return Optional.of("has an empty label");
      }
      if (label.length() > MAX_LABEL) {
        return Optional.of("has a label longer than 63 characters");
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          return Optional.of("has upper case letters");
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
          return Optional.of("has a character other than a-z, 0-9, '-' and '.'");
        }
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return Optional.of("has a label that starts or ends with '-'");
      }
    }
    // No top-level domain is all digits, so this is an IPv4 address (or a malformed one).
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return Optional.of("is an IP address, not a DNS name");
    }
    return Optional.empty();
  }

  static Optional<String> targetProblem(String target) {
    if (target == null || target.isEmpty()) {
      return Optional.of("a target is empty; " + TARGET_RULE);
    }
    if (target.length() > MAX_HOST + 8) {
      return Optional.of("a target is longer than " + (MAX_HOST + 8) + " characters");
    }
    int colon = target.lastIndexOf(':');
    if (colon < 0) {
      return Optional.of("the target " + target + " has no port; " + TARGET_RULE);
    }
    String host = target.substring(0, colon);
    var portProblem = portProblem(target.substring(colon + 1));
    if (portProblem.isPresent()) {
      return Optional.of("the target " + target + " " + portProblem.get() + "; " + TARGET_RULE);
    }
    return hostOfTargetProblem(host)
        .map(p -> "the target " + target + " " + p + "; " + TARGET_RULE);
  }

  private static Optional<String> portProblem(String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of("has a port that is not a number 1 to 65535");
    }
    int value = Integer.parseInt(port);
    if (value < 1 || value > 65535 || port.startsWith("0")) {
      return Optional.of("has a port that is not a number 1 to 65535");
    }
    return Optional.empty();
  }

  private static Optional<String> hostOfTargetProblem(String host) {
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || !ipv6(host.substring(1, host.length() - 1))) {
        return Optional.of("has a bracketed host that is not an IPv6 address");
      }
      return Optional.empty();
    }
    if (host.indexOf(':') >= 0) {
      return Optional.of("has an IPv6 address without brackets");
    }
    if (!host.isEmpty() && host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return ipv4(host) ? Optional.empty() : Optional.of("has a malformed IPv4 address");
    }
    if (host.isEmpty() || host.length() > MAX_HOST || host.endsWith(".")) {
      return Optional.of("has no valid host name");
    }
    return dnsNameProblem(host);
  }

  /** Four decimal octets 0-255 without leading zeros (which some resolvers read as octal). */
  private static boolean ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.startsWith("0"))) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return !text.equals("0.0.0.0");
  }

  /** An IPv6 literal, parsed without any name lookup; zone ids are refused. */
  private static boolean ipv6(String text) {
    if (text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') {
        return false;
      }
    }
    try {
      Inet6Address.ofLiteral(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static Optional<String> prefixProblem(String prefix) {
    if (prefix == null || !prefix.startsWith("/")) {
      return Optional.of("path_prefix does not start with '/'; " + PREFIX_RULE);
    }
    if (prefix.length() > MAX_PREFIX) {
      return Optional.of("path_prefix is longer than 256 characters; " + PREFIX_RULE);
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
        return Optional.of("path_prefix has a control character; " + PREFIX_RULE);
      }
      if (c == '?' || c == '#') {
        return Optional.of("path_prefix has a query or fragment; " + PREFIX_RULE);
      }
      if (!pathChar(c)) {
        return Optional.of("path_prefix has the character '" + c + "'; " + PREFIX_RULE);
      }
    }
    if (prefix.contains("..")) {
      return Optional.of("path_prefix contains '..'; " + PREFIX_RULE);
    }
    if (prefix.contains("//")) {
      return Optional.of("path_prefix contains '//'; " + PREFIX_RULE);
    }
    if (prefix.contains("/./") || prefix.endsWith("/.")) {
      return Optional.of("path_prefix has a '.' segment; " + PREFIX_RULE);
    }
    return Optional.empty();
  }

  /** RFC 3986 pchar and '/', without '%': an encoded prefix would have two spellings. */
  private static boolean pathChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  /**
   * A folder a static route serves: absolute, in one spelling, existing, and not the whole disk.
   */
  static Optional<String> rootProblem(String root) {
    if (root == null || root.isEmpty()) {
      return Optional.of("root is empty; " + ROOT_RULE);
    }
    if (root.length() > MAX_ROOT) {
      return Optional.of("root is longer than 1024 characters; " + ROOT_RULE);
    }
    if (root.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
      return Optional.of("root has a control character or a backslash; " + ROOT_RULE);
    }
    if (!root.startsWith("/")) {
      return Optional.of("root is not an absolute path; " + ROOT_RULE);
    }
    if (root.equals("/")) {
      return Optional.of("root may not be '/', the whole file system; " + ROOT_RULE);
    }
    Path path;
    try {
      path = Path.of(root);
    } catch (InvalidPathException e) {
      return Optional.of("root is not a path this system can open; " + ROOT_RULE);
    }
    if (!path.normalize().toString().equals(root)) {
      return Optional.of("root is not normalised; " + ROOT_RULE);
    }
    if (!Files.isDirectory(path)) {
      return Optional.of("root is not an existing directory; " + ROOT_RULE);
    }
    return Optional.empty();
  }

  static Optional<Target.Balance> balance(String text) {
    return switch (text) {
      case "round_robin" -> Optional.of(Target.Balance.ROUND_ROBIN);
      case "least_in_flight" -> Optional.of(Target.Balance.LEAST_IN_FLIGHT);
      default -> Optional.empty();
    };
  }
}
