package dev.berth;

import dev.berth.core.ServeConfig;
import dev.berth.core.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --acme-directory}, {@code --acme-email} and {@code --acme-ca-cert}, each falling back to
 * its {@code BERTH_ACME_*} variable, checked the same way for {@code serve} and {@code proxy}.
 */
final class AcmeFlags {
  private AcmeFlags() {}

  static ServeConfig.Acme read(
      String directoryFlag, String emailFlag, Path caCertFlag, Platform.Environment env) {
    String directory =
        Optional.ofNullable(directoryFlag)
            .or(() -> env.get("BERTH_ACME_DIRECTORY"))
            .filter(s -> !s.isBlank())
            .orElse(ServeConfig.Acme.LETS_ENCRYPT);
    if (!directory.startsWith("https://") && !directory.startsWith("http://")) {
      throw new StartupException(
          "--acme-directory must be an http:// or https:// URL, not '" + directory + "'");
    }
    var email =
        Optional.ofNullable(emailFlag)
            .or(() -> env.get("BERTH_ACME_EMAIL"))
            .filter(s -> !s.isBlank());
    if (email.isPresent() && !email.get().matches("[^@\\s]+@[^@\\s]+")) {
      throw new StartupException(
          "--acme-email must be an email address, not '" + email.get() + "'");
    }
    var caCert =
        Optional.ofNullable(caCertFlag)
            .or(() -> env.get("BERTH_ACME_CA_CERT").filter(s -> !s.isBlank()).map(Path::of));
    if (caCert.isPresent() && !Files.isReadable(caCert.get())) {
      throw new StartupException("--acme-ca-cert " + caCert.get() + " is not a readable file");
    }
    return new ServeConfig.Acme(directory, email, caCert);
  }
}
