package dev.berth.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 description of the console API. It is written
 * by hand next to the code ({@code openapi.json} in this package's resources) and kept true by a
 * test that compares its paths and methods with the router's.
 */
public final class OpenApiApi {
  private final byte[] document;

  public OpenApiApi() {
    try (InputStream in = OpenApiApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the artifact");
      }
      this.document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void register(Router router) {
    router.get(
        "/api/v1/openapi.json",
        Access.PUBLIC,
        request ->
            Response.bytes(200, "application/json", document).header("Cache-Control", "no-cache"));
  }
}
