package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FastJsonFactoryTest {
  private final FastJsonFactory factory = new FastJsonFactory();

  @Test
  void jumpsToTheClosingBracketAndReadsOnFromThere() throws IOException {
    String json = "{\"a\": [1, {\"x\": \"]\"}, [2]], \"b\": \"after\"}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = factory.createParser(bytes)) {
      assertInstanceOf(FastJsonFactory.Parser.class, p);
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals("a", p.nextFieldName());
      assertEquals(JsonToken.START_ARRAY, p.nextToken());
      int close = json.indexOf("]], ") + 1;
      assertTrue(((FastJsonFactory.Parser) p).jumpToClose(close));
      assertEquals(JsonToken.END_ARRAY, p.nextToken());
      assertEquals(close, p.currentTokenLocation().getByteOffset());
      assertEquals("b", p.nextFieldName());
      assertEquals("after", p.nextTextValue());
      assertEquals(JsonToken.END_OBJECT, p.nextToken());
      assertNull(p.nextToken());
    }
  }

  @Test
  void jumpsOverAnObjectToo() throws IOException {
    String json = "{\"a\": {\"x\": [1, \"}\"]}, \"b\": 2}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = factory.createParser(bytes)) {
      p.nextToken();
      assertEquals("a", p.nextFieldName());
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      int close = json.indexOf("]}") + 1;
      assertTrue(((FastJsonFactory.Parser) p).jumpToClose(close));
      assertEquals(JsonToken.END_OBJECT, p.nextToken());
      assertEquals("b", p.nextFieldName());
      assertEquals(2, p.nextIntValue(0));
    }
  }

  @Test
  void refusesToJumpAnywhereButToAClosingBracketAhead() throws IOException {
    byte[] bytes = "{\"a\": [1, 2], \"b\": 3}".getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = factory.createParser(bytes)) {
      FastJsonFactory.Parser s = (FastJsonFactory.Parser) p;
      p.nextToken();
      assertFalse(s.jumpToClose(11), "on the root object, and a ']' is not its end");
      p.nextFieldName();
      p.nextToken();
      assertFalse(s.jumpToClose(9), "not a bracket");
      assertFalse(s.jumpToClose(400), "past the end");
      assertFalse(s.jumpToClose(0), "behind the parser");
      assertEquals(JsonToken.VALUE_NUMBER_INT, p.nextToken(), "nothing moved");
    }
  }

  @Test
  void otherEncodingsGetJacksonsOwnParser() throws IOException {
    byte[] utf16 = "{\"a\": 1}".getBytes(StandardCharsets.UTF_16LE);
    try (JsonParser p = factory.createParser(utf16)) {
      assertFalse(p instanceof FastJsonFactory.Parser);
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals("a", p.nextFieldName());
    }
    byte[] bom = "\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = factory.createParser(bom)) {
      assertFalse(p instanceof FastJsonFactory.Parser);
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
    }
  }

  @Test
  void aCopyIsOneToo() throws IOException {
    JsonFactory copy = factory.copy();
    try (JsonParser p = copy.createParser("{\"a\": [1]}".getBytes(StandardCharsets.UTF_8))) {
      assertInstanceOf(FastJsonFactory.Parser.class, p);
    }
  }

  @Test
  void aParserCountingTokensDoesNotJump() throws IOException {
    JsonFactory counting =
        JsonFactory.builder()
            .streamReadConstraints(
                com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxTokenCount(1_000)
                    .build())
            .build();
    try (JsonParser p =
        new FastJsonFactory(counting)
            .createParser("{\"a\": [1, 2]}".getBytes(StandardCharsets.UTF_8))) {
      p.nextToken();
      p.nextFieldName();
      assertEquals(JsonToken.START_ARRAY, p.nextToken());
      assertFalse(((FastJsonFactory.Parser) p).jumpToClose(11));
    }
  }

  // --- text(): the same strings and the same errors as Jackson's getText()

  /** What a parser makes of {"a": <literal>, "b": [1]}: each token and text, or the error. */
  private static String readAll(JsonFactory f, byte[] doc, boolean fast) {
    StringBuilder out = new StringBuilder();
    try (JsonParser p = f.createParser(doc)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        out.append(t).append(' ');
        if (t == JsonToken.VALUE_STRING) {
          String text = fast ? FastJsonFactory.text(p) : p.getText();
          out.append('[').append(text).append(']');
          // the parser's own accessors agree afterwards
          out.append(p.getText().equals(text)).append(p.getTextLength());
          out.append(new String(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
        }
        out.append('@').append(p.currentLocation().getByteOffset()).append(' ');
      }
    } catch (IOException e) {
      out.append("error ").append(e.getClass().getSimpleName()).append(": ");
      String message = e.getMessage();
      out.append(
          message.substring(
              0, message.indexOf('\n') < 0 ? message.length() : message.indexOf('\n')));
    }
    return out.toString();
  }

  private static void assertSameAsJackson(JsonFactory jackson, byte[] literal) {
    byte[] prefix = "{\"a\": ".getBytes(StandardCharsets.US_ASCII);
    byte[] suffix = ", \"b\": [1]}".getBytes(StandardCharsets.US_ASCII);
    byte[] doc = new byte[prefix.length + literal.length + suffix.length];
    System.arraycopy(prefix, 0, doc, 0, prefix.length);
    System.arraycopy(literal, 0, doc, prefix.length, literal.length);
    System.arraycopy(suffix, 0, doc, prefix.length + literal.length, suffix.length);
    String expected = readAll(jackson, doc, false);
    String actual = readAll(new FastJsonFactory(jackson), doc, true);
    assertEquals(expected, actual, () -> "for " + new String(doc, StandardCharsets.ISO_8859_1));
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void textReadsPlainAndEscapedAsciiAsJacksonDoes() throws IOException {
    JsonFactory jackson = new JsonFactory();
    for (String literal :
        new String[] {
          "\"\"",
          "\"a\"",
          "\"0123456\"",
          "\"01234567\"",
          "\"012345678\"",
          "\"Hello, world.\\n\\nA second paragraph with a \\\"quote\\\" and a \\\\.\"",
          "\"\\u00e9t\\u00C9 \\u20ac \\ud83d\\ude00 \\u0000\"",
          "\"\\/\\b\\f\\r\\t\"",
          "\"trailing escape\\n\"",
        }) {
      assertSameAsJackson(jackson, latin1(literal));
    }
    try (JsonParser p =
        new FastJsonFactory().createParser("{\"a\": \"x\\ny\"}".getBytes(StandardCharsets.UTF_8))) {
      p.nextToken();
      p.nextToken();
      p.nextToken();
      assertEquals("x\ny", FastJsonFactory.text(p));
      assertEquals(JsonToken.END_OBJECT, p.nextToken());
    }
  }

  @Test
  void textLeavesWhatItDoesNotReadToJackson() {
    JsonFactory jackson = new JsonFactory();
    for (String literal :
        new String[] {
          "\"caf\u00c3\u00a9 au lait\"", // UTF-8 é (as Latin-1 chars of its bytes)
          "\"long ascii before the accent: caf\u00c3\u00a9\"",
          "\"bad utf-8 \u00ff\u00fe\"",
          "\"truncated \u00c3\"",
          "\"raw\ncontrol\"",
          "\"tab\tinside\"",
          "\"unknown escape \\x\"",
          "\"bad unicode \\u12g4\"",
          "\"short unicode \\u12\"",
          "\"unterminated",
          "\"unterminated escape \\",
          "\"escaped quote at the end \\\"",
        }) {
      assertSameAsJackson(jackson, latin1(literal));
    }
  }

  @Test
  void textKeepsJacksonsFeaturesAndLimits() {
    JsonFactory lenient =
        JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(
                com.fasterxml.jackson.core.json.JsonReadFeature
                    .ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .build();
    assertSameAsJackson(lenient, latin1("\"raw\ncontrol and \\q\""));
    JsonFactory limited =
        JsonFactory.builder()
            .streamReadConstraints(
                com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(8)
                    .build())
            .build();
    assertSameAsJackson(limited, latin1("\"12345678\""));
    assertSameAsJackson(limited, latin1("\"123456789\""));
    assertSameAsJackson(limited, latin1("\"1234567\\n\""));
    assertSameAsJackson(limited, latin1("\"12345678\\n\""));
    // over the limit in the Latin-1 and the char path, found while copying
    assertSameAsJackson(limited, latin1("\"caf\u00c3\u00a9 and much more after it\""));
    assertSameAsJackson(limited, latin1("\"\u00e2\u0082\u00ac and much more after it\""));
    assertSameAsJackson(limited, latin1("\"a\\nb\u00c3\u00a9 \u00e2\u0082\u00ac 1234567890\""));
    assertSameAsJackson(limited, latin1("\"1234567\u00c3\u00a9\""));
    assertSameAsJackson(limited, latin1("\"1234567\u00e2\u0082\u00ac\""));
  }

  @Test
  void theScratchBufferKeepsNoTextAfterItsString() throws IOException {
    String secret = "The caf\u00e9 password is hunter2,\n and more text to copy";
    byte[] doc =
        ("{\"a\": \"" + secret.replace("\n", "\\n") + "\"}").getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = factory.createParser(doc)) {
      p.nextToken();
      p.nextToken();
      p.nextToken();
      assertEquals(secret, FastJsonFactory.text(p));
    }
    byte[] kept = FastJsonFactory.keptScratch();
    assertTrue(kept != null, "the Latin-1 path used the scratch buffer");
    for (byte x : kept) {
      assertEquals(0, x, "the scratch buffer still holds text");
    }
  }

  @Test
  void textAgreesWithJacksonOnRandomStrings() {
    JsonFactory jackson = new JsonFactory();
    String[] atoms = {
      "a",
      "Z",
      "0",
      " ",
      ".",
      "\\n",
      "\\\"",
      "\\\\",
      "\\/",
      "\\t",
      "\\u0041",
      "\\u00e9",
      "\\u20AC",
      "\\ud83d",
      "\\ud83d\\ude00",
      "\\ude00",
      "\\uD83D\\uDE00",
      "\\q",
      "\\u00",
      "\n",
      "\u0001",
      "\u00c3\u00a9",
      "\u00e2\u0082\u00ac",
      "\u00f0\u009f\u0098\u0080",
      "\u00ff",
      "\u0080",
      "'",
      "\u007f",
      "\u00c0\u0080", // overlong NUL
      "\u00e0\u0080\u0080",
      "\u00f0\u0080\u0080\u0080", // an overlong four-byte form
      "\u00ed\u00a0\u0080", // a surrogate, encoded
      "\u00ed\u00bf\u00bf", // the last surrogate
      "\u00ed\u009f\u00bf", // the char before the surrogates
      "\u00ee\u0080\u0080", // the char after them
      "\u00f4\u0090\u0080\u0080", // beyond U+10FFFF
      "\u00f8\u0088\u0080\u0080\u0080",
      "\u00e2\u0082", // truncated
      "\u00c3"
    };
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder literal = new StringBuilder("\"");
      int n = random.nextInt(40);
      for (int k = 0; k < n; k++) {
        // mostly plain text, as answers are
        literal.append(
            random.nextInt(4) == 0
                ? atoms[random.nextInt(atoms.length)]
                : "abcdefgh".substring(random.nextInt(8)));
      }
      if (random.nextInt(50) != 0) {
        literal.append('"');
      }
      assertSameAsJackson(jackson, latin1(literal.toString()));
    }
  }

  @Test
  void plainRunStopsAtTheFirstSpecialByteInEveryLane() {
    byte[] special = {'"', '\\', 0, 0x1f, (byte) 0x80, (byte) 0xff};
    byte[] fine = {' ', '!', '#', '[', ']', '~', 0x7f, 0x21, 0x5b, 0x5d};
    for (int length = 0; length < 24; length++) {
      for (int at = 0; at <= length; at++) {
        for (byte s : special) {
          byte[] b = new byte[length + 1];
          for (int k = 0; k < b.length; k++) {
            b[k] = fine[k % fine.length];
          }
          if (at < length) {
            b[at] = s;
          }
          int expected = at < length ? at : length;
          assertEquals(
              expected,
              FastJsonFactory.plainRun(b, 0, length),
              "length " + length + " at " + at + " byte " + s);
          // and from an offset
          if (at > 0) {
            assertEquals(expected, FastJsonFactory.plainRun(b, 1, length));
          }
        }
      }
    }
  }
}
