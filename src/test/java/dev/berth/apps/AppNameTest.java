package dev.berth.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello",
        "a",
        "9",
        "my-app",
        "a-b-c-1-2-3",
        "0day",
        "berth-docs",
        "api2",
        "123456789012345678901234567890123456789012345678901234567890abc"
      })
  void validNames(String name) {
    assertEquals(name, AppName.forNewApp(name).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "Hello",
        "HELLO",
        "hello ",
        " hello",
        "-hello",
        "hello-",
        "-",
        "a--b",
        "xn--bcher-kva",
        "..",
        ".",
        "a.b",
        "a/b",
        "a\\b",
        "%2e%2e",
        "a_b",
        "_berth",
        "héllo",
        "hello\u0000",
        "hello\n",
        "hel\u200blo",
        "ｈｅｌｌｏ",
        "1234567890123456789012345678901234567890123456789012345678901234",
        "a;rm -rf",
        "<script>"
      })
  void invalidNames(String name) {
    var e = assertThrows(AppsException.class, () -> AppName.forNewApp(name));
    var error = (AppsError.InvalidName) e.error();
    assertTrue(error.rule().contains(AppName.RULE), error.rule());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "berth",
        "www",
        "api",
        "admin",
        "console",
        "git",
        "static",
        "status",
        "mail",
        "localhost"
      })
  void reservedNamesAreRefusedForNewApps(String name) {
    var e = assertThrows(AppsException.class, () -> AppName.forNewApp(name));
    var error = (AppsError.InvalidName) e.error();
    assertTrue(error.rule().contains("reserved"), error.rule());
  }

  @ParameterizedTest
  @ValueSource(strings = {"berth", "api"})
  void reservedNamesStillReadBackFromTheStore(String name) {
    // A name reserved after an app took it must not make that app unreachable.
    assertEquals(name, new AppName(name).value());
  }

  @org.junit.jupiter.api.Test
  void nullIsRefused() {
    assertThrows(AppsException.class, () -> new AppName(null));
  }
}
