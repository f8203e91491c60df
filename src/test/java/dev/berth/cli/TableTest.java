package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAlignToTheWidestCellWithoutTrailingBlanks() {
    var table =
        new Table("NAME", "URL", "ENV")
            .row("hello", "http://hello.localhost:8080", 3)
            .row("a-much-longer-name", "", null);
    assertEquals(
        "NAME                 URL                           ENV\n"
            + "hello                http://hello.localhost:8080   3\n"
            + "a-much-longer-name\n",
        table.render());
  }

  @Test
  void anEmptyTableIsItsHeader() {
    assertEquals("KEY   VALUE\n", new Table("KEY", "VALUE").render());
  }

  @Test
  void cellsFromTheServerCannotBreakLinesOrSendEscapes() {
    String out = new Table("NAME", "DESC").row("x\u001b[31m", "two\nlines\u202e").render();
    assertEquals("NAME    DESC\nx[31m   two lines\n", out);
  }

  @Test
  void nonAsciiCountsByCodePoint() {
    String out = new Table("A", "B").row("😀", "x").render();
    assertEquals("A   B\n😀   x\n", out);
  }

  @Test
  void timesShowInUtc() {
    assertEquals("2025-01-31 14:05 UTC", Times.show("2025-01-31T14:05:09Z"));
    assertEquals("1970-01-01 00:00 UTC", Times.show(0L));
    assertEquals("not a time", Times.show("not a time"));
    assertEquals("", Times.show(null));
  }
}
