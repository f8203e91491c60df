package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @Test
  void parsesTheUsualForms() {
    assertEquals(new HostPort("127.0.0.1", 8000), HostPort.parse("127.0.0.1:8000"));
    assertEquals(new HostPort("0.0.0.0", 8080), HostPort.parse(":8080"));
    assertEquals(new HostPort("::1", 80), HostPort.parse("[::1]:80"));
    assertEquals("[::1]:80", HostPort.parse("[::1]:80").toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "8000", "host", "a:b:c", "h:-1", "h:65536", "h:", "[::1]", "h:80x", "h: 80"})
  void refusesTheRest(String text) {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
  }
}
