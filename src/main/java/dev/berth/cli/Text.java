package dev.berth.cli;

/**
 * Makes text from the server or from files safe for a terminal: a hostile server must not be able
 * to move the cursor, recolour the screen or fake extra output lines through a problem detail or an
 * app description.
 */
final class Text {
  static final int MAX_LINE = 500;

  private Text() {}

  /** One line: line breaks and tabs become spaces, other control characters are dropped. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    var out = new StringBuilder(Math.min(text.length(), MAX_LINE + 1));
    boolean space = false;
    for (int i = 0; i < text.length() && out.length() < MAX_LINE; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
        space = out.length() > 0;
      } else if (!invisible(c)) {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    if (out.length() >= MAX_LINE) {
      out.append('…');
    }
    return out.toString();
  }

  /** C0/C1 controls, DEL, and the bidi overrides that reorder what a terminal shows. */
  static boolean invisible(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
