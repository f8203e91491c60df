package dev.berth.core;

import java.io.IOException;
import java.util.Properties;

/** The version the build stamped into the artifact. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (var in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      var props = new Properties();
      props.load(in);
      return props.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
