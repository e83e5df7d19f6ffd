package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static final JsonFactory FACTORY = new JsonFactory();

  @FunctionalInterface
  interface Write {
    void write(JsonGenerator g, String s) throws IOException;
  }

  /** An object with the string as a field and in an array, written by {@code w}. */
  private static byte[] document(Write w, String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("a");
      w.write(g, s);
      g.writeArrayFieldStart("b");
      w.write(g, s);
      w.write(g, s);
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void assertSameAsJackson(String s) throws IOException {
    byte[] jackson = document(JsonGenerator::writeString, s);
    byte[] ours = document(JsonText::writeString, s);
    assertArrayEquals(jackson, ours, () -> "for " + escapeForMessage(s));
  }

  @Test
  void escapesAndEncodesAsJacksonDoes() throws IOException {
    assertSameAsJackson("control \u0000\u0001\u001f and \u007f \b\t\n\f\r \" \\ / end of it");
    assertSameAsJackson("café, naïve, résumé — “quoted” € ∑ \uffff and more text");
    assertSameAsJackson("emoji 😀 pair and lone \ud83d high and \ude00 low ones\ud83d");
    assertSameAsJackson("\u2028 line and \u2029 paragraph separators, not escaped");
    assertSameAsJackson("plain ascii text that needs nothing at all");
    assertSameAsJackson("short");
    assertSameAsJackson("");
  }

  @Test
  void randomStringsOfEveryLengthMatchJackson() throws IOException {
    Random random = new Random(7);
    char[] alphabet = {
      'a', 'Z', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', 'ÿ', '\u0100', '€',
      '\ud83d', '\ude00', '\uffff', '\u0800', '\u07ff'
    };
    for (int i = 0; i < 3_000; i++) {
      int length = random.nextInt(i % 10 == 0 ? 6_000 : 200);
      StringBuilder sb = new StringBuilder(length);
      boolean mostlyAscii = random.nextBoolean();
      for (int j = 0; j < length; j++) {
        sb.append(
            mostlyAscii && random.nextInt(10) > 0
                ? (char) ('a' + random.nextInt(26))
                : alphabet[random.nextInt(alphabet.length)]);
      }
      assertSameAsJackson(sb.toString());
    }
  }

  @Test
  void theSameStringWrittenAgainComesOutTheSame() throws IOException {
    String s =
        "A history message, \"quoted\", naïve, with an emoji 😀 and a newline\n: " + "x".repeat(80);
    byte[] jackson = document(JsonGenerator::writeString, s);
    for (int i = 0; i < 4; i++) { // the first time, the second (kept), and from the kept bytes
      assertArrayEquals(jackson, document(JsonText::writeString, s), "writing " + i);
    }
    // another String with the same text is not the kept one, and comes out the same too
    String copy = new String(s.toCharArray());
    assertArrayEquals(jackson, document(JsonText::writeString, copy));
    // many strings through the same slots: each still its own
    for (int i = 0; i < 2_000; i++) {
      String t = "message number " + i + " of a long conversation, café " + "y".repeat(60);
      byte[] want = document(JsonGenerator::writeString, t);
      assertArrayEquals(want, document(JsonText::writeString, t));
      assertArrayEquals(want, document(JsonText::writeString, t));
    }
  }

  @Test
  void allEscapesStillFit() throws IOException {
    // six output bytes per input character, past the buffer's first size
    assertSameAsJackson("\u0001".repeat(JsonText.MAX_CHARS));
    assertSameAsJackson("\ud83d".repeat(JsonText.MAX_CHARS - 1) + "x");
    assertSameAsJackson("€".repeat(JsonText.MAX_CHARS));
  }

  @Test
  void readsBackAsTheSameString() throws IOException {
    String s = "line one\nline \"two\" café 😀 \u0003 end";
    byte[] doc = document(JsonText::writeString, s);
    assertEquals(s, new ObjectMapper().readTree(doc).get("a").asText());
  }

  @Test
  void otherGeneratorsAreLeftToJackson() throws IOException {
    String s = "a writer-backed generator with é and \n in it";
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      JsonText.writeString(g, s);
    }
    assertEquals("\"a writer-backed generator with é and \\n in it\"", w.toString());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.enable(JsonGenerator.Feature.ESCAPE_NON_ASCII);
      JsonText.writeString(g, s);
    }
    assertEquals(
        "\"a writer-backed generator with \\u00E9 and \\n in it\"",
        new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  @SuppressWarnings("deprecation")
  void generatorsWithOtherWriteFeaturesAreLeftToJackson() throws IOException {
    String s = "a path a/b with é, a \u0001 control and an emoji 😀 in it";
    for (JsonGenerator.Feature f :
        new JsonGenerator.Feature[] {
          JsonGenerator.Feature.ESCAPE_FORWARD_SLASHES,
          JsonGenerator.Feature.COMBINE_UNICODE_SURROGATES_IN_UTF8
        }) {
      ByteArrayOutputStream jackson = new ByteArrayOutputStream();
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      try (JsonGenerator a = FACTORY.createGenerator(jackson);
          JsonGenerator b = FACTORY.createGenerator(ours)) {
        a.enable(f).writeString(s);
        JsonText.writeString(b.enable(f), s);
      }
      assertArrayEquals(jackson.toByteArray(), ours.toByteArray(), f.name());
    }
    ByteArrayOutputStream jackson = new ByteArrayOutputStream();
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    try (JsonGenerator a = FACTORY.createGenerator(jackson);
        JsonGenerator b = FACTORY.createGenerator(ours)) {
      a.disable(JsonGenerator.Feature.WRITE_HEX_UPPER_CASE).writeString(s);
      JsonText.writeString(b.disable(JsonGenerator.Feature.WRITE_HEX_UPPER_CASE), s);
    }
    assertArrayEquals(jackson.toByteArray(), ours.toByteArray(), "lower-case hex");
  }

  @Test
  void writesFieldsWithPreEncodedNames() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      JsonText.writeField(g, new SerializedString("text"), "a value long enough to be copied");
      JsonText.writeField(g, new SerializedString("n"), "short");
      g.writeEndObject();
    }
    assertEquals(
        "{\"text\":\"a value long enough to be copied\",\"n\":\"short\"}",
        new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  private static String escapeForMessage(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.substring(0, Math.min(80, s.length())).toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb + (s.length() > 80 ? "… (" + s.length() + " chars)" : "");
  }
}
