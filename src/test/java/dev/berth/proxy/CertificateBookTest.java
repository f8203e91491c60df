package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateBookTest {
  static CertificateBook.Entry app;
  static CertificateBook.Entry other;
  static CertificateBook.Entry wild;

  @BeforeAll
  static void certificates() throws Exception {
    var made = TlsFixture.certificates();
    app = made.get(0);
    other = made.get(1);
    wild = made.get(2);
  }

  @Test
  void coversExactNamesAndOneLabelWildcards() {
    var book = new CertificateBook();
    book.replaceAll(List.of(app, wild));
    assertTrue(book.covers("app.test"));
    assertTrue(book.covers("APP.Test."));
    assertTrue(book.covers("x.wild.test"));
    assertFalse(book.covers("a.b.wild.test"));
    assertFalse(book.covers("wild.test"));
    assertFalse(book.covers(".wild.test"));
    assertFalse(book.covers("other.test"));
    assertFalse(book.covers(""));
    assertFalse(book.covers(null));
    assertNull(book.context("nobody.test"));
  }

  @Test
  void anExactCertificateWinsOverTheWildcard() throws Exception {
    var exact = new CertificateBook.Entry("x.wild.test", other.key(), other.chain());
    var book = new CertificateBook();
    book.replaceAll(List.of(wild, exact));
    assertSame(book.context("x.wild.test"), book.context("X.WILD.TEST"));
    assertFalse(book.context("x.wild.test") == book.context("y.wild.test"));
  }

  @Test
  void replaceAllSwapsTheWholeSetAndKeepsUnchangedContexts() {
    var book = new CertificateBook();
    book.replaceAll(List.of(app, other));
    var appContext = book.context("app.test");
    assertNotNull(appContext);
    book.replaceAll(List.of(app, wild));
    assertSame(appContext, book.context("app.test"), "built once, not per swap");
    assertFalse(book.covers("other.test"));
    assertTrue(book.covers("a.wild.test"));
    assertEquals(2, book.size());
    book.replaceAll(List.of());
    assertFalse(book.covers("app.test"));
  }

  @Test
  void anEntryThatCannotServeIsSkippedNotFatal() {
    var broken = new CertificateBook.Entry("broken.test", app.key(), List.of());
    var book = new CertificateBook();
    book.replaceAll(List.of(broken, other));
    assertFalse(book.covers("broken.test"));
    assertTrue(book.covers("other.test"));
  }
}
