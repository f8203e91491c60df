package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain aligned table for people: upper-case headers, columns padded to the widest cell and
 * separated by three spaces, no trailing blanks. Cells are made single-line and terminal-safe.
 */
final class Table {
  private static final String GAP = "   ";
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("a row needs " + headers.size() + " cells");
    }
    var row = new ArrayList<String>(cells.length);
    for (var cell : cells) {
      row.add(cell == null ? "" : Text.oneLine(String.valueOf(cell)));
    }
    rows.add(row);
    return this;
  }

  String render() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(headers.get(i));
      for (var row : rows) {
        widths[i] = Math.max(widths[i], width(row.get(i)));
      }
    }
    var out = new StringBuilder();
    line(headers, widths, out);
    for (var row : rows) {
      line(row, widths, out);
    }
    return out.toString();
  }

  private static void line(List<String> cells, int[] widths, StringBuilder out) {
    var line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.repeat(' ', widths[i] - width(cell)).append(GAP);
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  /** Display width in code points; wide CJK glyphs count as one, which is good enough here. */
  static int width(String s) {
    return s.codePointCount(0, s.length());
  }
}
