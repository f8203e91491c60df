package dev.berth.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes that survive a crash: a temp file beside the target, fsynced, renamed over it, then the
 * folder fsynced. A reader sees the old file or the new one, never half of one.
 */
public final class AtomicFiles {
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  public static void write(Path target, byte[] content, Set<PosixFilePermission> perms)
      throws IOException {
    write(target, new java.io.ByteArrayInputStream(content), perms);
  }

  /** Streams {@code content} into {@code target}; returns the number of bytes written. */
  public static long write(Path target, InputStream content, Set<PosixFilePermission> perms)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      if (perms != null) {
        Files.setPosixFilePermissions(temp, perms);
      }
      long written;
      try (var out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
        written = content.transferTo(out);
      }
      try (var channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
      return written;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static void syncDirectory(Path dir) {
    try (var channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a folder for fsync; the rename is still atomic there.
    }
  }
}
