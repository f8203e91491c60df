package dev.berth.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
  @TempDir Path temp;

  @Test
  void masterKeyIsCreatedOwnerOnlyAndStable() throws Exception {
    byte[] first;
    try (var dir = DataDir.open(temp.resolve("d"))) {
      first = dir.masterKey(Optional.empty(), new SecureRandom());
      assertEquals(32, first.length);
      var perms = Files.getPosixFilePermissions(dir.root().resolve("master.key"));
      assertEquals(PosixFilePermissions.fromString("rw-------"), perms);
    }
    try (var dir = DataDir.open(temp.resolve("d"))) {
      assertArrayEquals(first, dir.masterKey(Optional.empty(), new SecureRandom()));
    }
  }

  @Test
  void masterKeyFromTheEnvironmentIsCheckedAndNotWritten() {
    byte[] key = new byte[32];
    key[5] = 9;
    try (var dir = DataDir.open(temp.resolve("e"))) {
      assertArrayEquals(
          key, dir.masterKey(Optional.of(HexFormat.of().formatHex(key)), new SecureRandom()));
      assertArrayEquals(
          key,
          dir.masterKey(
              Optional.of(java.util.Base64.getEncoder().encodeToString(key)), new SecureRandom()));
      assertFalse(Files.exists(dir.root().resolve("master.key")));
      var e =
          assertThrows(
              StartupException.class,
              () -> dir.masterKey(Optional.of("c2hvcnQ="), new SecureRandom()));
      assertTrue(e.getMessage().contains("must be 32 bytes"));
      assertThrows(
          StartupException.class,
          () -> dir.masterKey(Optional.of("!!not base64!!"), new SecureRandom()));
    }
  }

  @Test
  void aLockedDirIsRefused() {
    try (var first = DataDir.open(temp.resolve("l"))) {
      assertTrue(Files.exists(first.root().resolve("berth.lock")));
      var e = assertThrows(StartupException.class, () -> DataDir.open(temp.resolve("l")));
      assertTrue(e.getMessage().contains("in use by another Berth process"), e.getMessage());
    }
    DataDir.open(temp.resolve("l")).close(); // free again once closed
  }

  @Test
  void aFileWhereTheDirShouldBeIsRefused() throws Exception {
    Files.writeString(temp.resolve("f"), "x");
    var e = assertThrows(StartupException.class, () -> DataDir.open(temp.resolve("f")));
    assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
  }

  @Test
  void discardRemovesOnlyADirItCreated() throws Exception {
    var created = DataDir.open(temp.resolve("new"));
    created.discardIfCreated();
    assertFalse(Files.exists(temp.resolve("new")));
    Files.createDirectories(temp.resolve("old"));
    var existing = DataDir.open(temp.resolve("old"));
    existing.discardIfCreated();
    assertTrue(Files.exists(temp.resolve("old")));
  }
}
