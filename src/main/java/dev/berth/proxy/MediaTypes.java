package dev.berth.proxy;

import java.util.Map;

/**
 * Content types of the files a static site serves, by extension. Text types carry {@code
 * charset=utf-8}; unknown extensions are {@code application/octet-stream}, never sniffed.
 */
final class MediaTypes {
  static final String OCTET_STREAM = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json; charset=utf-8"),
          Map.entry("map", "application/json; charset=utf-8"),
          Map.entry("webmanifest", "application/manifest+json; charset=utf-8"),
          Map.entry("svg", "image/svg+xml; charset=utf-8"),
          Map.entry("xml", "application/xml; charset=utf-8"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("md", "text/markdown; charset=utf-8"),
          Map.entry("csv", "text/csv; charset=utf-8"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("webp", "image/webp"),
          Map.entry("avif", "image/avif"),
          Map.entry("gif", "image/gif"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("mp3", "audio/mpeg"));

  private MediaTypes() {}

  static String of(String extension) {
    return BY_EXTENSION.getOrDefault(extension, OCTET_STREAM);
  }

  /** Worth compressing: text, and wasm (which shrinks well); images and fonts already are. */
  static boolean compressible(String type) {
    return type.contains("charset=utf-8") || type.equals("application/wasm");
  }
}
