package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobStoreTest {
  @TempDir Path temp;

  @Test
  void storesAndReadsBack() throws Exception {
    var blobs = new BlobStore(temp);
    blobs.put("logs/app/1.log", new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
    try (var in = blobs.open("logs/app/1.log").orElseThrow()) {
      assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(5, blobs.size("logs/app/1.log"));
    assertTrue(blobs.delete("logs/app/1.log"));
    assertTrue(blobs.open("logs/app/1.log").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "/etc/passwd",
        "a/../../b",
        "a//b",
        "A",
        "a/.hidden",
        "a\\b",
        "",
        "a/",
        ".",
        "a/b/c/d/e/f/g/h/i/j"
      })
  void refusesKeysThatCouldLeaveTheFolder(String key) {
    var blobs = new BlobStore(temp);
    assertThrows(IllegalArgumentException.class, () -> blobs.open(key));
  }
}
