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
}
