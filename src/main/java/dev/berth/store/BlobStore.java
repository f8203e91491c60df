package dev.berth.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Large payloads (logs, recordings, build artifacts) as files under {@code <data-dir>/blobs}, never
 * as table rows. Keys are slash-separated lowercase names ({@code logs/app/123.log}); a key that
 * could leave the folder is refused. Writes are atomic (see {@link AtomicFiles}).
 */
public final class BlobStore {
  private static final Pattern KEY =
      Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}(/[a-z0-9][a-z0-9._-]{0,127}){0,7}");
  private final Path root;

  public BlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public long put(String key, InputStream content) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    return AtomicFiles.write(target, content, AtomicFiles.OWNER_ONLY);
  }

  public Optional<InputStream> open(String key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  public boolean delete(String key) throws IOException {
    return Files.deleteIfExists(resolve(key));
  }

  public long size(String key) throws IOException {
    Path path = resolve(key);
    return Files.exists(path) ? Files.size(path) : -1;
  }

  Path resolve(String key) {
    if (key == null || !KEY.matcher(key).matches() || key.contains("..")) {
      throw new IllegalArgumentException("invalid blob key");
    }
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root)) {
      throw new IllegalArgumentException("invalid blob key");
    }
    return path;
  }
}
