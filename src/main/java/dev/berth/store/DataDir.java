package dev.berth.store;

import dev.berth.core.StartupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The data dir: {@code berth.db} (SQLite), {@code master.key}, {@code blobs/}, and {@code
 * berth.lock}, an OS file lock held for as long as a server or an offline admin command uses the
 * dir, so two writers never share one store. The OS drops the lock when the process dies, even on
 * {@code kill -9}.
 */
public final class DataDir implements AutoCloseable {
  private final Path root;
  private final boolean createdNow;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDir(Path root, boolean createdNow, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.createdNow = createdNow;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating when missing) and locks the data dir. Fails with a one-line {@link
   * StartupException} when it cannot be written or another process holds it.
   */
  public static DataDir open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    boolean created = !Files.exists(root);
    try {
      Files.createDirectories(root);
    } catch (FileAlreadyExistsException e) {
      throw new StartupException("data dir " + root + " exists and is not a folder");
    } catch (IOException e) {
      throw new StartupException("cannot create data dir " + root + ": " + reason(e));
    }
    if (!Files.isDirectory(root)) {
      throw new StartupException("data dir " + root + " is not a folder");
    }
    if (!Files.isWritable(root)) {
      discard(root, created);
      throw new StartupException("data dir " + root + " is not writable by this user");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              root.resolve("berth.lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by this same process (a second platform in one JVM)
      }
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new StartupException(
            "data dir "
                + root
                + " is in use by another Berth process"
                + holder
                + "; stop it first or choose another --data-dir");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(true);
      Files.createDirectories(root.resolve("blobs"));
      return new DataDir(root, created, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      discard(root, created);
      throw new StartupException("cannot use data dir " + root + ": " + reason(e));
    }
  }

  private static String readHolder(FileChannel channel) {
    try {
      var buf = ByteBuffer.allocate(32);
      int n = channel.read(buf, 0);
      String pid = n > 0 ? new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim() : "";
      return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  public Path root() {
    return root;
  }

  public Path database() {
    return root.resolve("berth.db");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public boolean createdNow() {
    return createdNow;
  }

  /**
   * The 32-byte master key that seals secrets at rest: {@code BERTH_MASTER_KEY} (base64 or hex)
   * when given, else {@code master.key} in the data dir, created on first use with mode 0600.
   */
  public byte[] masterKey(Optional<String> fromEnvironment, RandomGenerator random) {
    if (fromEnvironment.isPresent()) {
      return decodeKey(fromEnvironment.get().trim());
    }
    Path file = root.resolve("master.key");
    try {
      if (Files.exists(file)) {
        return decodeKey(Files.readString(file).trim());
      }
      byte[] key = new byte[32];
      random.nextBytes(key);
      byte[] text =
          (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(file, text, AtomicFiles.OWNER_ONLY);
      return key;
    } catch (IOException e) {
      throw new StartupException("cannot read or create " + file + ": " + reason(e));
    }
  }

  /**
   * The master key for a process that must not take the lock nor create anything ({@code berth
   * proxy}): {@code BERTH_MASTER_KEY}, else {@code master.key} in {@code dir} when it exists.
   */
  public static Optional<byte[]> readMasterKey(Path dir, Optional<String> fromEnvironment) {
    if (fromEnvironment.isPresent() && !fromEnvironment.get().isBlank()) {
      return Optional.of(decodeKey(fromEnvironment.get().trim()));
    }
    Path file = dir.toAbsolutePath().normalize().resolve("master.key");
    try {
      return Files.isRegularFile(file)
          ? Optional.of(decodeKey(Files.readString(file).trim()))
          : Optional.empty();
    } catch (IOException e) {
      throw new StartupException("cannot read " + file + ": " + reason(e));
    }
  }

  static byte[] decodeKey(String text) {
    byte[] key;
    try {
      key =
          text.matches("[0-9a-fA-F]{64}")
              ? HexFormat.of().parseHex(text)
              : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new StartupException("the master key is not base64 or hex");
    }
    if (key.length != 32) {
      throw new StartupException(
          "the master key must be 32 bytes (base64 or 64 hex digits), got " + key.length);
    }
    return key;
  }

  /** Undoes a data dir this process created, when startup fails before it was ever used. */
  public void discardIfCreated() {
    close();
    discard(root, createdNow);
  }

  private static void discard(Path root, boolean created) {
    if (!created) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(DataDir::deleteQuietly);
    } catch (IOException e) {
      // Best effort: the folder was empty when we found it.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Best effort.
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing to do.
      }
    }
  }

  static String reason(IOException e) {
    return switch (e) {
      case java.nio.file.AccessDeniedException a -> "permission denied";
      case java.nio.file.NoSuchFileException n -> "no such file or folder " + n.getFile();
      case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // The lock goes with the channel.
    }
    closeQuietly(lockChannel);
  }
}
