package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link FastJsonFactory#borrowParser}: each thread's kept parser, reused document after document.
 */
class FastJsonFactoryKeptParserTest {
  private final FastJsonFactory factory = new FastJsonFactory();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSameParserReadsTheNextDocumentFromItsStart() throws IOException {
    JsonParser first =
        factory.borrowParser(utf8("{\"a\": [1, {\"b\": 2.5}], \"c\": \"x\"}"), 0, 31);
    assertEquals(JsonToken.START_OBJECT, first.nextToken());
    assertEquals("a", first.nextFieldName());
    assertEquals(JsonToken.START_ARRAY, first.nextToken());
    assertEquals(1, first.nextIntValue(0));
    assertEquals(JsonToken.START_OBJECT, first.nextToken()); // left two levels down
    FastJsonFactory.giveBack(first);

    // a document in the middle of a larger array: offsets count from its first byte
    byte[] framed = utf8("xx{\"z\": \"caf\u00e9\",\n \"n\": 12345678901}yy");
    JsonParser second = factory.borrowParser(framed, 2, framed.length - 4);
    assertSame(first, second);
    assertEquals(JsonToken.START_OBJECT, second.nextToken());
    assertEquals(0, second.currentTokenLocation().getByteOffset());
    assertTrue(second.getParsingContext().inObject());
    assertTrue(second.getParsingContext().getParent().inRoot());
    assertEquals("z", second.nextFieldName());
    assertEquals(JsonToken.VALUE_STRING, second.nextToken());
    assertEquals("caf\u00e9", FastJsonFactory.text(second));
    assertEquals("n", second.nextFieldName());
    assertEquals(JsonToken.VALUE_NUMBER_INT, second.nextToken());
    assertEquals(12345678901L, second.getLongValue());
    assertEquals(2, second.currentTokenLocation().getLineNr());
    assertEquals(JsonToken.END_OBJECT, second.nextToken());
    assertNull(second.nextToken());
    FastJsonFactory.giveBack(second);
  }

  @Test
  void aDocumentReadWhileTheKeptParserIsOutGetsAParserOfItsOwn() throws IOException {
    JsonParser outer = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    JsonParser inner = factory.borrowParser(utf8("{\"b\": 2}"), 0, 8);
    assertNotSame(outer, inner);
    assertEquals("b", readOnlyField(inner));
    FastJsonFactory.giveBack(inner);
    assertEquals("a", readOnlyField(outer)); // the inner read did not touch it
    FastJsonFactory.giveBack(outer);
    JsonParser again = factory.borrowParser(utf8("{\"c\": 3}"), 0, 8);
    assertSame(outer, again);
    FastJsonFactory.giveBack(again);
  }

  private static String readOnlyField(JsonParser p) throws IOException {
    assertEquals(JsonToken.START_OBJECT, p.nextToken());
    String name = p.nextFieldName();
    assertEquals(JsonToken.VALUE_NUMBER_INT, p.nextToken());
    assertEquals(JsonToken.END_OBJECT, p.nextToken());
    return name;
  }

  @Test
  void aGivenBackParserHoldsNoInputAndNoText() throws Exception {
    byte[] secret = utf8("{\"k\": \"sk-live-secret-text\"}");
    JsonParser p = factory.borrowParser(secret, 0, secret.length);
    p.nextToken();
    p.nextFieldName();
    assertEquals("sk-live-secret-text", p.nextTextValue());
    FastJsonFactory.giveBack(p);
    Field input = UTF8StreamJsonParser.class.getDeclaredField("_inputBuffer");
    input.setAccessible(true);
    assertNull(input.get(p));
    assertFalse(String.valueOf(p.getText()).contains("secret"));
  }

  @Test
  void anErrorInALaterDocumentIsPlacedInThatDocumentAndShowsNoSource() throws IOException {
    JsonParser p = factory.borrowParser(utf8("{\"a\": \"first-document\"}"), 0, 23);
    while (p.nextToken() != null) {
      // read to the end: Jackson closes the parser itself there
    }
    FastJsonFactory.giveBack(p);
    byte[] bad = utf8("{\"a\":\n  tru}");
    JsonParser q = factory.borrowParser(bad, 0, bad.length);
    assertSame(p, q);
    assertEquals(JsonToken.START_OBJECT, q.nextToken());
    // Jackson reads the value with its field name
    JsonParseException e = assertThrows(JsonParseException.class, q::nextToken);
    assertEquals(2, e.getLocation().getLineNr());
    assertFalse(e.getMessage().contains("first-document"), e.getMessage());
    FastJsonFactory.giveBack(q);
    // and the parser is free again afterwards
    JsonParser r = factory.borrowParser(utf8("{\"b\": 1}"), 0, 8);
    assertSame(p, r);
    assertEquals("b", readOnlyField(r));
    FastJsonFactory.giveBack(r);
  }

  @Test
  void aParserWhoseFeaturesChangedIsNotKept() throws IOException {
    JsonParser p = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    FastJsonFactory.giveBack(p);
    JsonParser q = factory.borrowParser(utf8("{\"a\": 1, \"a\": 2}"), 0, 16);
    assertNotSame(p, q);
    // the new parser has the factory's features: no duplicate detection carried over
    assertEquals(JsonToken.START_OBJECT, q.nextToken());
    assertEquals("a", q.nextFieldName());
    q.nextToken();
    assertEquals("a", q.nextFieldName());
    FastJsonFactory.giveBack(q);
    assertSame(q, factory.borrowParser(utf8("{\"a\": 1}"), 0, 8));
  }

  @Test
  void aReconfiguredFactoryGetsANewKeptParser() throws IOException {
    JsonParser p = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    FastJsonFactory.giveBack(p);
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonParser q = factory.borrowParser(utf8("{\"a\": 1, \"a\": 2}"), 0, 16);
    assertNotSame(p, q);
    q.nextToken();
    q.nextFieldName();
    q.nextToken();
    assertThrows(JsonParseException.class, q::nextFieldName); // the factory's new feature holds
    FastJsonFactory.giveBack(q);
  }

  @Test
  void inputsAKeptParserDoesNotSuitGetANewParserEachTime() throws IOException {
    byte[] array = utf8("[1, 2]");
    JsonParser p = factory.borrowParser(array, 0, array.length);
    FastJsonFactory.giveBack(p);
    JsonParser q = factory.borrowParser(array, 0, array.length);
    assertNotSame(p, q);
    assertEquals(JsonToken.START_ARRAY, q.nextToken());
    FastJsonFactory.giveBack(q);

    FastJsonFactory withSource =
        new FastJsonFactory(
            JsonFactory.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build());
    byte[] doc = utf8("{\"a\": 1}");
    JsonParser s = withSource.borrowParser(doc, 0, doc.length);
    FastJsonFactory.giveBack(s);
    assertNotSame(s, withSource.borrowParser(doc, 0, doc.length));
  }

  @Test
  void eachThreadHasItsOwnKeptParser() throws Exception {
    JsonParser here = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    FastJsonFactory.giveBack(here);
    JsonParser there =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    JsonParser p = factory.borrowParser(utf8("{\"t\": 1}"), 0, 8);
                    assertEquals("t", readOnlyField(p));
                    FastJsonFactory.giveBack(p);
                    return p;
                  } catch (IOException e) {
                    throw new AssertionError(e);
                  }
                })
            .get();
    assertNotSame(here, there);
    assertSame(here, factory.borrowParser(utf8("{\"a\": 1}"), 0, 8));
  }
}
