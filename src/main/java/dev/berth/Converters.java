package dev.berth;

import dev.berth.core.HostPort;
import dev.berth.core.ServeConfig;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Flag value parsers whose errors read as one plain sentence. */
final class Converters {
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private Converters() {}

  static final class HostPortConverter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return HostPort.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class DomainConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String lower = value.toLowerCase(Locale.ROOT).strip();
      if (!DOMAIN.matcher(lower).matches()) {
        throw new TypeConversionException(
            "'" + value + "' is not a domain name like example.com or localhost");
      }
      return lower;
    }
  }

  static final class RuntimeConverter implements ITypeConverter<ServeConfig.RuntimeKind> {
    @Override
    public ServeConfig.RuntimeKind convert(String value) {
      return switch (value) {
        case "auto" -> ServeConfig.RuntimeKind.AUTO;
        case "docker" -> ServeConfig.RuntimeKind.DOCKER;
        case "process" -> ServeConfig.RuntimeKind.PROCESS;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not a runtime; use auto, docker or process");
      };
    }
  }

  static final class ProfileConverter implements ITypeConverter<ServeConfig.Profile> {
    @Override
    public ServeConfig.Profile convert(String value) {
      return switch (value) {
        case "small" -> ServeConfig.Profile.SMALL;
        case "throughput" -> ServeConfig.Profile.THROUGHPUT;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not a profile; use small or throughput");
      };
    }
  }
}
