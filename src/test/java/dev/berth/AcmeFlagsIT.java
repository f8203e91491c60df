package dev.berth;

import static dev.berth.ServeFailuresIT.assertOneLine;
import static dev.berth.ServeFailuresIT.serve;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.ServeConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --acme-directory}, {@code --acme-email} and {@code --acme-ca-cert} on serve. */
class AcmeFlagsIT {
  @TempDir Path temp;

  static ServeConfig.Acme parse(Map<String, String> env, String... args) {
    var command =
        new ServeCommand(
            name -> Optional.ofNullable(env.get(name)),
            new PrintStream(OutputStream.nullOutputStream()));
    new CommandLine(command).parseArgs(args);
    return command.acme();
  }

  @Test
  void letsEncryptIsTheDefaultAndFlagsWinOverTheEnvironment() throws Exception {
    assertEquals(ServeConfig.Acme.letsEncrypt(), parse(Map.of()));
    Path ca = Files.writeString(temp.resolve("ca.pem"), "x");
    var env =
        Map.of(
            "BERTH_ACME_DIRECTORY", "https://acme.example/env",
            "BERTH_ACME_EMAIL", "env@example.com",
            "BERTH_ACME_CA_CERT", ca.toString());
    assertEquals(
        new ServeConfig.Acme(
            "https://acme.example/env", Optional.of("env@example.com"), Optional.of(ca)),
        parse(env));
    assertEquals(
        new ServeConfig.Acme(
            "https://acme.example/flag", Optional.of("flag@example.com"), Optional.of(ca)),
        parse(
            env,
            "--acme-directory",
            "https://acme.example/flag",
            "--acme-email",
            "flag@example.com"));
  }

  @Test
  void badValuesStopTheStartWithOneLine() {
    String dir = temp.resolve("data").toString();
    assertOneLine(
        serve(Map.of(), "--data-dir", dir, "--acme-directory", "ftp://acme.example/dir"),
        "--acme-directory must be an http:// or https:// URL");
    assertOneLine(
        serve(Map.of("BERTH_ACME_DIRECTORY", "acme.example"), "--data-dir", dir),
        "--acme-directory must be an http:// or https:// URL");
    assertOneLine(
        serve(Map.of(), "--data-dir", dir, "--acme-email", "not an address"),
        "--acme-email must be an email address");
    assertOneLine(
        serve(Map.of(), "--data-dir", dir, "--acme-ca-cert", temp.resolve("none.pem").toString()),
        "is not a readable file");
  }
}
