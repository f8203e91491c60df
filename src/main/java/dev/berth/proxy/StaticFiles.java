package dev.berth.proxy;

import dev.berth.core.Problem;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Answers one request for a {@link Target.Static} site on the downstream connection: finds the
 * file, picks its representation (precompressed sibling, gzip made here, or the file itself),
 * answers 304/206/416 from the request's conditions, and hands the body to {@link StaticBodies}.
 *
 * <pre>
 * method ─► path (StaticPaths) ─► file under the real root ─► variant by Accept-Encoding
 *        ─► 304? ─► Range? ─► headers ─► body (memory, FileRegion, or chunks)
 * </pre>
 *
 * Every file is resolved to its real path and must lie under the site's real root, so a symlink
 * cannot lead out of the folder. Reads here are metadata only; bodies of more than {@link
 * StaticBodies#IN_MEMORY} bytes are streamed and never held whole.
 */
final class StaticFiles {
  /** What was answered: the status, the body bytes, and when the last byte has been written. */
  record Served(int status, long bytesOut, ChannelFuture done) {}

  /** One representation of a file: itself, or a compressed sibling ({@code encoding} set). */
  record Variant(Path file, long size, long modified, String encoding, String etag) {}

  private sealed interface Lookup {}

  private record Found(Path file, BasicFileAttributes attributes, String extension)
      implements Lookup {}

  private record AddSlash() implements Lookup {}

  private record Missing() implements Lookup {}

  private static final String ALLOW = "a static site answers GET and HEAD only";

  private StaticFiles() {}

  static Served serve(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Target.Static site,
      String prefix,
      String requestId,
      boolean keepAlive) {
    var out = new StaticBodies(ctx, requestId, keepAlive, request.headers());
    var method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      var page = out.page(Problem.of("method-not-allowed", "Method not allowed", 405, ALLOW));
      page.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      return out.full(page);
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    var parsed = StaticPaths.parse(path, prefix);
    if (parsed.isEmpty()) {
      return out.full(out.page(Problem.badRequest("the path " + cut(path) + " is not allowed")));
    }
    return switch (lookup(site, parsed.get())) {
      case Found found -> file(out, request, found);
      case AddSlash slash -> out.full(out.redirect(withSlash(path, uri, query)));
      case Missing missing -> out.full(out.page(notFound(path)));
    };
  }

  /**
   * The directory's address with a slash; leading slashes are collapsed so the Location can never
   * read as another host ({@code //evil.example/}).
   */
  static String withSlash(String path, String uri, int query) {
    return "/" + path.replaceFirst("^/+", "") + "/" + (query < 0 ? "" : uri.substring(query));
  }

  private static Lookup lookup(Target.Static site, StaticPaths.Parsed parsed) {
    try {
      Path root = site.root().toRealPath();
      Path candidate = parsed.segments().isEmpty() ? root : root.resolve(parsed.relative());
      if (Files.isDirectory(candidate)) {
        if (!parsed.directory()) {
          return new AddSlash();
        }
        return regular(root, candidate.resolve("index.html"), "html");
      }
      var found = regular(root, candidate, parsed.extension());
      if (found instanceof Missing && site.spaFallback() && parsed.extension().isEmpty()) {
        return regular(root, root.resolve("index.html"), "html");
      }
      return found;
    } catch (IOException e) {
      return new Missing();
    }
  }

  /** The regular file at {@code file} when its real path lies under the real {@code root}. */
  private static Lookup regular(Path root, Path file, String extension) throws IOException {
    var real = inside(root, file);
    if (real.isEmpty()) {
      return new Missing();
    }
    var attributes = Files.readAttributes(real.get(), BasicFileAttributes.class);
    return attributes.isRegularFile()
        ? new Found(real.get(), attributes, extension)
        : new Missing();
  }

  /** The real path of {@code file} when it exists and lies under {@code root}. */
  static Optional<Path> inside(Path root, Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      Path real = file.toRealPath();
      return real.startsWith(root) ? Optional.of(real) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Served file(StaticBodies out, HttpRequest request, Found found) {
    HttpHeaders headers = request.headers();
    String type = MediaTypes.of(found.extension());
    var identity = identity(found);
    boolean compressible = MediaTypes.compressible(type);
    boolean ranged = headers.contains(HttpHeaderNames.RANGE);
    var variant =
        ranged ? identity : StaticVariants.choose(found.file(), identity, compressible, headers);
    var head = out.head(type, variant, cacheControl(found), compressible || variant != identity);
    if (notModified(headers, variant)) {
      return out.notModified(head);
    }
    if (variant.encoding() == null) {
      var span = rangeFor(headers, variant);
      if (span.isPresent()) {
        return span.get() == StaticRequests.UNSATISFIABLE
            ? out.full(out.unsatisfiable(variant.size()))
            : out.partial(head, variant, span.get(), request.method().equals(HttpMethod.HEAD));
      }
    }
    boolean headOnly = request.method().equals(HttpMethod.HEAD);
    if (StaticVariants.GZIP_HERE.equals(variant.encoding())) {
      return StaticVariants.gzipped(variant)
          .map(bytes -> out.bytes(head, bytes, headOnly))
          .orElseGet(() -> out.full(out.page(notFound(request.uri()))));
    }
    return out.whole(head, variant, headOnly);
  }

  private static Variant identity(Found found) {
    long size = found.attributes().size();
    long modified = found.attributes().lastModifiedTime().toMillis();
    return new Variant(found.file(), size, modified, null, etag(size, modified, ""));
  }

  static String etag(long size, long modified, String suffix) {
    return "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + suffix + "\"";
  }

  /** A Range applies unless If-Range names another version of the file. */
  private static Optional<StaticRequests.Span> rangeFor(HttpHeaders headers, Variant variant) {
    String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
    if (ifRange != null && !ifRange.strip().equals(variant.etag())) {
      return Optional.empty();
    }
    return StaticRequests.range(headers.get(HttpHeaderNames.RANGE), variant.size());
  }

  private static boolean notModified(HttpHeaders headers, Variant variant) {
    String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return StaticRequests.noneMatchHits(ifNoneMatch, variant.etag());
    }
    String since = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    return since != null && StaticRequests.notModifiedSince(since, variant.modified());
  }

  private static String cacheControl(Found found) {
    if (found.extension().equals("html") || found.extension().equals("htm")) {
      return "no-cache";
    }
    if (StaticRequests.hashedName(found.file().getFileName().toString())) {
      return "public, max-age=31536000, immutable";
    }
    return "public, max-age=0, must-revalidate";
  }

  private static Problem notFound(String path) {
    return Problem.of("not-found", "Not found", 404, "there is no file at " + cut(path));
  }

  private static String cut(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
