package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticRequestsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "app.3f9a1c2b.js",
        "index-BdX8_9aZ.css",
        "chunk-vendors.5d1c7e9f0a.js",
        "main.a1b2c3d4e5f6a7b8c9d0.js",
        "logo.4f3e2d1c.svg"
      })
  void hashedNamesAreImmutable(String name) {
    assertTrue(StaticRequests.hashedName(name), name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app.js",
        "index.html",
        "bootstrap.min.css",
        "my-services.js",
        "release-20240101.pdf",
        "notes",
        "a.b.c",
        "x.3f9a1c.js"
      })
  void ordinaryNamesAreNot(String name) {
    assertFalse(StaticRequests.hashedName(name), name);
  }

  @Test
  void readsSingleByteRanges() {
    assertEquals(
        Optional.of(new StaticRequests.Span(0, 9)), StaticRequests.range("bytes=0-9", 100));
    assertEquals(
        Optional.of(new StaticRequests.Span(90, 99)), StaticRequests.range("bytes=90-", 100));
    assertEquals(
        Optional.of(new StaticRequests.Span(90, 99)), StaticRequests.range("bytes=90-500", 100));
    assertEquals(
        Optional.of(new StaticRequests.Span(80, 99)), StaticRequests.range("bytes=-20", 100));
    assertEquals(
        Optional.of(new StaticRequests.Span(0, 99)), StaticRequests.range("bytes=-500", 100));
    assertEquals(
        Optional.of(StaticRequests.UNSATISFIABLE), StaticRequests.range("bytes=100-", 100));
    assertEquals(Optional.of(StaticRequests.UNSATISFIABLE), StaticRequests.range("bytes=-0", 100));
    for (String ignored :
        List.of(
            "items=0-1",
            "bytes=0-1,5-6",
            "bytes=5-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
            "bytes=99999999999999999999-")) {
      assertEquals(Optional.empty(), StaticRequests.range(ignored, 100), ignored);
    }
  }

  @Test
  void readsAcceptEncodingWithQualities() {
    assertTrue(StaticRequests.accepts("gzip, deflate, br", "br"));
    assertTrue(StaticRequests.accepts("GZIP;q=0.5", "gzip"));
    assertFalse(StaticRequests.accepts("gzip;q=0, br", "gzip"));
    assertFalse(StaticRequests.accepts("gzip;q=0.000", "gzip"));
    assertFalse(StaticRequests.accepts("gzip;q=x", "gzip"));
    assertFalse(StaticRequests.accepts("identity", "gzip"));
    assertFalse(StaticRequests.accepts(null, "gzip"));
  }

  @Test
  void comparesEntityTagsWeakly() {
    assertTrue(StaticRequests.noneMatchHits("\"a\", \"b\"", "\"b\""));
    assertTrue(StaticRequests.noneMatchHits("W/\"b\"", "\"b\""));
    assertTrue(StaticRequests.noneMatchHits("*", "\"b\""));
    assertFalse(StaticRequests.noneMatchHits("\"bb\"", "\"b\""));
  }

  @Test
  void decodesPathsOnceAndRefusesTricks() {
    assertEquals(
        List.of("a b", "c.txt"), StaticPaths.parse("/a%20b/c.txt", "/").orElseThrow().segments());
    assertEquals(List.of("%2e%2e"), StaticPaths.parse("/%252e%252e", "/").orElseThrow().segments());
    assertEquals(List.of("x"), StaticPaths.parse("/docs/./x", "/docs").orElseThrow().segments());
    assertTrue(StaticPaths.parse("/docs/", "/docs").orElseThrow().directory());
    assertEquals("txt", StaticPaths.parse("/A.TXT", "/").orElseThrow().extension());
    for (String bad :
        List.of(
            "/..",
            "/a/../b",
            "/%2e%2e/x",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a%00",
            "/%ff",
            "/%e2%82",
            "/%",
            "/%g0",
            "/.git/config",
            "/a%0d%0ab")) {
      assertEquals(Optional.empty(), StaticPaths.parse(bad, "/"), bad);
    }
  }
}
