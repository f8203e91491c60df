package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages Berth's edge proxy answers itself. */
class ErrorPagesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "application/problem+json",
        "application/json, text/html",
        "application/json;q=0.9, text/html;q=0.8",
        "application/problem+json, */*;q=0.1",
        "APPLICATION/JSON",
        "text/html;q=0.1, application/json",
        "text/html;q=0.5, application/problem+json;q=0.6",
      })
  void jsonWhenAcceptPrefersIt(String accept) {
    assertTrue(ErrorPages.prefersJson(accept), accept);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*/*",
        "text/html",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
            + "*/*;q=0.8",
        "text/html, application/json",
        "application/json;q=0.5, text/html",
        "application/json;q=0, text/plain",
        "application/json;q=abc, text/html",
        "text/plain",
        "",
      })
  void htmlOtherwise(String accept) {
    assertFalse(ErrorPages.prefersJson(accept), accept);
  }

  @Test
  void htmlWhenAcceptIsMissing() {
    assertFalse(ErrorPages.prefersJson(null));
    var page = ErrorPages.page(ErrorPages.notFound("a.example"), "rid-1", null);
    try {
      assertEquals("text/html; charset=utf-8", page.headers().get("Content-Type"));
    } finally {
      page.release();
    }
  }

  @Test
  void jsonBodyIsAProblemWithTheRequestId() {
    var page = ErrorPages.page(ErrorPages.badGateway(), "rid-42", "application/json");
    try {
      assertEquals(502, page.status().code());
      assertEquals("application/problem+json", page.headers().get("Content-Type"));
      assertEquals("rid-42", page.headers().get("X-Request-Id"));
      assertEquals("1.1 berth", page.headers().get("Via"));
      assertEquals("no-store", page.headers().get("Cache-Control"));
      byte[] bytes = new byte[page.content().readableBytes()];
      page.content().getBytes(page.content().readerIndex(), bytes);
      assertEquals(bytes.length, page.headers().getInt("Content-Length"));
      Map<?, ?> body = assertInstanceOf(Map.class, Json.parse(bytes));
      assertEquals("urn:berth:problem:bad-gateway", body.get("type"));
      assertEquals(502, ((Number) body.get("status")).intValue());
      assertEquals("rid-42", body.get("request_id"));
    } finally {
      page.release();
    }
  }

  @Test
  void htmlEscapesAHostileHostName() {
    String host = "<script>alert(\"x\")</script>&.example";
    var page = ErrorPages.page(ErrorPages.notFound(host), "rid-<b>", "text/html");
    try {
      assertEquals(404, page.status().code());
      String html = page.content().toString(StandardCharsets.UTF_8);
      assertFalse(html.contains("<script>"), html);
      assertFalse(html.contains("<b>"), html);
      assertTrue(
          html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;.example"), html);
      assertTrue(html.contains("404 Not found"), html);
    } finally {
      page.release();
    }
  }
}
