package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
  @Test
  void readsUserPasswordAndOptions() {
    var url = DatabaseUrl.parse("postgres://us%40er:p%3Ass@db.example:6543/berth?sslmode=require");
    assertEquals("jdbc:postgresql://db.example:6543/berth", url.jdbcUrl());
    assertEquals("us@er", url.properties().getProperty("user"));
    assertEquals("p:ss", url.properties().getProperty("password"));
    assertEquals("require", url.properties().getProperty("sslmode"));
    assertEquals("postgresql://db.example:6543/berth", url.display(), "no credentials in display");
  }

  @Test
  void defaultsThePort() {
    assertEquals(
        "jdbc:postgresql://h:5432/d", DatabaseUrl.parse("jdbc:postgresql://h/d").jdbcUrl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mysql://h/d",
        "postgresql://",
        "postgresql://h",
        "postgresql://h/",
        "postgresql://h d/x",
        "sqlite:foo"
      })
  void refusesWhatIsNotAPostgresUrl(String text) {
    assertThrows(StartupException.class, () -> DatabaseUrl.parse(text));
  }
}
