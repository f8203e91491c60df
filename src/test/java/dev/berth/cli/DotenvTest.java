package dev.berth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotenvTest {
  private static Map<String, String> parse(String text) {
    return Dotenv.parse(text, ".env");
  }

  private static String error(String text) {
    var e = assertThrows(CliException.class, () -> parse(text));
    assertEquals(CliError.EXIT_USAGE, e.error().exitCode());
    return e.error().line();
  }

  @Test
  void readsTheCommonForms() {
    var env =
        parse(
            """
            # a comment
            PLAIN=hello world
              INDENTED = spaced  \s
            export EXPORTED=yes

            SINGLE='keep $HOME and \\n as typed'
            DOUBLE="line1\\nline2\\t\\"quoted\\" \\\\ end"
            EMPTY=
            INLINE=value # comment
            HASH=a#b
            QUOTED_HASH="a # b" # comment
            """);
    assertEquals("hello world", env.get("PLAIN"));
    assertEquals("spaced", env.get("INDENTED"));
    assertEquals("yes", env.get("EXPORTED"));
    assertEquals("keep $HOME and \\n as typed", env.get("SINGLE"));
    assertEquals("line1\nline2\t\"quoted\" \\ end", env.get("DOUBLE"));
    assertEquals("", env.get("EMPTY"));
    assertEquals("value", env.get("INLINE"));
    assertEquals("a#b", env.get("HASH"));
    assertEquals("a # b", env.get("QUOTED_HASH"));
    assertEquals(9, env.size());
  }

  @Test
  void quotedValuesMaySpanLinesAndLaterLinesWin() {
    var env = parse("KEY=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\nNEXT=2\n");
    assertEquals("-----BEGIN\nabc\n-----END", env.get("KEY"));
    assertEquals("2", env.get("NEXT"));
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreHandled() {
    var env = parse("\uFEFFA=1\r\nB=\"two\"\r\n# c\r\nC='3'\r\n");
    assertEquals(Map.of("A", "1", "B", "two", "C", "3"), env);
  }

  @Test
  void exportAloneIsAnOrdinaryName() {
    assertEquals("1", parse("export=1").get("export"));
    assertEquals("x", parse("exported=x").get("exported"));
  }

  @Test
  void errorsNameTheLine() {
    assertEquals("berth: .env line 3: expected KEY=VALUE", error("A=1\n\nNOEQUALS\n"));
    assertTrue(error("A=1\nB=\"open\nC=2\n").contains("line 2: unterminated double quote"));
    assertTrue(error("A='open").contains("line 1: unterminated single quote"));
    assertTrue(error("A=\"x\"trailing").contains("unexpected text after the closing quote"));
    assertTrue(error("1BAD=x").contains("'1BAD' is not a valid name"));
    assertTrue(error("BAD KEY=x").contains("not a valid name"));
    assertTrue(error("=x").contains("not a valid name"));
  }

  @Test
  void hostileNamesCannotReachTheTerminal() {
    String line = error("\u001b[2J\u001b[31mKEY=x");
    assertTrue(!line.contains("\u001b"), line);
  }

  @Test
  void controlCharactersInValuesAreKeptForTheServerToJudge() {
    assertEquals("a\u0000b", parse("K=\"a\u0000b\"").get("K"));
  }

  @Test
  void commandLineArgumentsSplitAtTheFirstEquals() {
    assertEquals(
        Map.entry("URL", "postgres://u:p@h/db?x=1"),
        Dotenv.argument("URL=postgres://u:p@h/db?x=1"));
    assertEquals(Map.entry("EMPTY", ""), Dotenv.argument("EMPTY="));
    assertThrows(CliException.class, () -> Dotenv.argument("NOVALUE"));
    assertThrows(CliException.class, () -> Dotenv.argument("=value"));
    assertThrows(CliException.class, () -> Dotenv.argument("A-B=1"));
  }

  @Test
  void inputOverOneMebibyteOrNotUtf8IsRefused() {
    byte[] big = new byte[EnvCommands.MAX_INPUT + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    var tooBig =
        assertThrows(
            CliException.class, () -> EnvCommands.read(new ByteArrayInputStream(big), "stdin"));
    assertEquals("berth: stdin is larger than 1 MiB", tooBig.error().line());
    var binary =
        assertThrows(
            CliException.class,
            () ->
                EnvCommands.read(
                    new ByteArrayInputStream(new byte[] {'A', '=', (byte) 0xff}), "x"));
    assertEquals("berth: x is not UTF-8 text", binary.error().line());
  }
}
