package dev.berth.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Picks the representation of a static file a client gets. A precompressed sibling ({@code
 * app.js.br}, then {@code app.js.gz}) wins when the client accepts its coding and the sibling is a
 * plain file (not a symlink) at least as new as the file; otherwise text between {@link #GZIP_MIN}
 * and {@link #GZIP_MAX} bytes is gzipped here. Larger text without a sibling goes out as it is:
 * compressing it on the event loop would stall every other connection on that loop.
 */
final class StaticVariants {
  static final long GZIP_MIN = 1024;
  static final long GZIP_MAX = 256 * 1024;

  /** The encoding of a variant gzipped by the proxy (its bytes are made per request). */
  static final String GZIP_HERE = "gzip;here";

  /**
   * Shared by every connection of the process: the same file gzips to the same bytes whoever asks,
   * and 16 MiB holds the text of most sites.
   */
  private static final GzipCache GZIPPED = new GzipCache(16L << 20);

  private StaticVariants() {}

  static StaticFiles.Variant choose(
      Path file, StaticFiles.Variant identity, boolean compressible, HttpHeaders headers) {
    String accept = headers.get(HttpHeaderNames.ACCEPT_ENCODING);
    if (accept == null) {
      return identity;
    }
    if (StaticRequests.accepts(accept, "br")) {
      var br = sibling(file, ".br", "br", identity);
      if (br.isPresent()) {
        return br.get();
      }
    }
    if (!StaticRequests.accepts(accept, "gzip")) {
      return identity;
    }
    var gz = sibling(file, ".gz", "gzip", identity);
    if (gz.isPresent()) {
      return gz.get();
    }
    if (compressible && identity.size() >= GZIP_MIN && identity.size() <= GZIP_MAX) {
      return new StaticFiles.Variant(
          file,
          identity.size(),
          identity.modified(),
          GZIP_HERE,
          StaticFiles.etag(identity.size(), identity.modified(), "-gz"));
    }
    return identity;
  }

  private static Optional<StaticFiles.Variant> sibling(
      Path file, String suffix, String encoding, StaticFiles.Variant identity) {
    Path candidate = file.resolveSibling(file.getFileName() + suffix);
    try {
      var attributes =
          Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long modified = attributes.lastModifiedTime().toMillis();
      if (!attributes.isRegularFile() || modified < identity.modified()) {
        return Optional.empty();
      }
      String tag = suffix.equals(".br") ? "-br" : "-gzs";
      return Optional.of(
          new StaticFiles.Variant(
              candidate,
              attributes.size(),
              modified,
              encoding,
              StaticFiles.etag(attributes.size(), modified, tag)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The gzipped bytes of a variant made here; empty for every other variant. */
  static Optional<byte[]> gzipped(StaticFiles.Variant variant) {
    if (!GZIP_HERE.equals(variant.encoding())) {
      return Optional.empty();
    }
    var key = new GzipCache.Key(variant.file().toString(), variant.size(), variant.modified());
    byte[] cached = GZIPPED.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      byte[] plain = Files.readAllBytes(variant.file());
      if (plain.length != variant.size()) {
        return Optional.empty(); // changed since it was looked at; the next request sees it whole
      }
      var out = new ByteArrayOutputStream(plain.length / 3 + 64);
      try (var gzip = new GZIPOutputStream(out)) {
        gzip.write(plain);
      }
      byte[] packed = out.toByteArray();
      GZIPPED.put(key, packed);
      return Optional.of(packed);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The Content-Encoding header value of a variant, or null for the file itself. */
  static String contentEncoding(StaticFiles.Variant variant) {
    return GZIP_HERE.equals(variant.encoding()) ? "gzip" : variant.encoding();
  }
}
