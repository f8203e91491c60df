package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void parsesEveryValueKind() {
    var value =
        (Map<?, ?>)
            Json.parse(
                "{\"s\":\"a\\u00e9\\n\",\"i\":-12,\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,"
                    + "\"l\":[1,[2]],\"o\":{}}");
    assertEquals("aé\n", value.get("s"));
    assertEquals(-12L, value.get("i"));
    assertEquals(150.0, value.get("d"));
    assertEquals(true, value.get("t"));
    assertEquals(false, value.get("f"));
    assertTrue(value.containsKey("n"));
    assertNull(value.get("n"));
    assertEquals(List.of(1L, List.of(2L)), value.get("l"));
    assertEquals(Map.of(), value.get("o"));
  }

  @Test
  void bigIntegersStayExact() {
    assertEquals(
        new BigDecimal("123456789012345678901234567890"),
        Json.parse("123456789012345678901234567890"));
    assertEquals(Long.MAX_VALUE, Json.parse(Long.toString(Long.MAX_VALUE)));
  }

  @Test
  void surrogatePairsRoundTrip() {
    assertEquals("😀", Json.parse("\"\\ud83d\\ude00\""));
    assertEquals("😀", Json.parse("\"😀\""));
    assertEquals("\"😀\"", Json.write("😀"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "'a'",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"tab\there\"",
        "{\"a\":1}{",
        "[1] 2",
        "{\"a\":1,\"a\":2}",
      })
  void rejectsMalformedInput(String text) {
    assertThrows(Json.ParseException.class, () -> Json.parse(text));
  }

  @Test
  void rejectsDeepNestingInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    var e = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().contains("nesting"));
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] bad = {'"', (byte) 0xC3, (byte) 0x28, '"'};
    assertThrows(Json.ParseException.class, () -> Json.parse(bad));
    assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void errorsNameThePosition() {
    var e = assertThrows(Json.ParseException.class, () -> Json.parse("{\n  \"a\": tru\n}"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  record Sample(String appName, Instant createdAt, Optional<String> note, Role role) {}

  @Test
  void writesRecordsInSnakeCase() {
    var sample =
        new Sample("hi", Instant.parse("2026-01-02T03:04:05Z"), Optional.empty(), Role.ADMIN);
    assertEquals(
        "{\"app_name\":\"hi\",\"created_at\":\"2026-01-02T03:04:05Z\",\"note\":null,\"role\":\"admin\"}",
        Json.write(sample));
  }

  @Test
  void escapesWhatMustBeEscaped() {
    assertEquals("\"a\\\"b\\\\c\\u0001\\u2028\"", Json.write("a\"b\\c\u0001\u2028"));
    assertEquals("null", Json.write(Double.NaN));
    assertEquals(
        "{\"k\":[1,\"x\",null]}",
        Json.write(Json.obj("k", java.util.Arrays.asList(1L, "x", null))));
  }

  @Test
  void roundTripsWhatItWrites() {
    var original = Json.obj("a", List.of(1L, 2.5, "three", true), "b", Json.obj("c", null));
    assertEquals(original, Json.parse(Json.write(original)));
  }
}
