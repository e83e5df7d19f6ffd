package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link FastJsonFactory#borrowParser}: each thread's kept parser, reused document after document.
 */
class FastJsonFactoryKeptTest {
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

  @Test
  void aParserThatLearnedManyFieldNamesIsDroppedForAFreshOne() throws IOException {
    JsonParser p = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    assertEquals("a", readOnlyField(p));
    FastJsonFactory.giveBack(p);
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= FastJsonFactory.Parser.MAX_KEPT_NAMES; i++) {
      many.append(i == 0 ? "" : ",").append("\"key").append(i).append("\":0");
    }
    byte[] body = utf8(many.append('}').toString());
    JsonParser q = factory.borrowParser(body, 0, body.length);
    assertSame(p, q);
    while (q.nextToken() != null) {
      // every name goes into the parser's table
    }
    FastJsonFactory.giveBack(q);
    JsonParser r = factory.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    assertNotSame(q, r); // its table was too large to keep
    assertEquals("a", readOnlyField(r));
    FastJsonFactory.giveBack(r);
    // kept, although it started from the factory's table, which took those names in when the
    // first parser was closed (as Jackson's own parsers' tables do): it added few names itself
    assertSame(r, factory.borrowParser(utf8("{\"a\": 1}"), 0, 8));
  }

  @Test
  void aParserGivenBackMidDocumentIsLeftAtItsRoot() throws IOException {
    JsonParser p = factory.borrowParser(utf8("{\"secret-key\": 1}"), 0, 17);
    p.nextToken();
    p.nextToken();
    assertEquals("secret-key", p.currentName());
    FastJsonFactory.giveBack(p);
    assertNull(p.getParsingContext().getCurrentName());
    assertTrue(p.getParsingContext().inRoot());
  }

  @Test
  void aFactoryWithNewLimitsOrAnInputDecoratorGetsParsersThatHonourThem() throws IOException {
    FastJsonFactory f = new FastJsonFactory();
    JsonParser p = f.borrowParser(utf8("{\"a\": \"long\"}"), 0, 13);
    FastJsonFactory.giveBack(p);
    f.setStreamReadConstraints(
        com.fasterxml.jackson.core.StreamReadConstraints.builder().maxStringLength(2).build());
    JsonParser q = f.borrowParser(utf8("{\"a\": \"long\"}"), 0, 13);
    assertNotSame(p, q);
    q.nextToken();
    q.nextToken();
    q.nextToken();
    assertThrows(
        com.fasterxml.jackson.core.exc.StreamConstraintsException.class, () -> q.getText());
    FastJsonFactory.giveBack(q);

    FastJsonFactory decorated = new FastJsonFactory();
    decorated.setInputDecorator(
        new com.fasterxml.jackson.core.io.InputDecorator() {
          private static final long serialVersionUID = 1L;

          @Override
          public java.io.InputStream decorate(
              com.fasterxml.jackson.core.io.IOContext ctxt, java.io.InputStream in) {
            return in;
          }

          @Override
          public java.io.InputStream decorate(
              com.fasterxml.jackson.core.io.IOContext ctxt, byte[] src, int offset, int length) {
            return new java.io.ByteArrayInputStream(utf8("{\"decorated\": 1}"));
          }

          @Override
          public java.io.Reader decorate(
              com.fasterxml.jackson.core.io.IOContext ctxt, java.io.Reader r) {
            return r;
          }
        });
    JsonParser d = decorated.borrowParser(utf8("{\"a\": 1}"), 0, 8);
    assertEquals("decorated", readOnlyField(d)); // as createParser reads it
    FastJsonFactory.giveBack(d);
    assertNotSame(d, decorated.borrowParser(utf8("{\"a\": 1}"), 0, 8));
  }

  @Test
  void identifiersReadAgainAreTheStringsReadBefore() throws IOException {
    String first = readIdentifier("{\"model\": \"us.anthropic.claude-v1:0\"}");
    String again = readIdentifier("{\"model\": \"us.anthropic.claude-v1:0\"}");
    assertEquals("us.anthropic.claude-v1:0", first);
    assertSame(first, again);
    String other = readIdentifier("{\"model\": \"us.anthropic.claude-v2:0\"}");
    assertEquals("us.anthropic.claude-v2:0", other);
    // "Aa" and "BB" hash alike, so they share a slot: each is still read as itself
    assertEquals("Aa", readIdentifier("{\"m\": \"Aa\"}"));
    assertEquals("BB", readIdentifier("{\"m\": \"BB\"}"));
    assertEquals("Aa", readIdentifier("{\"m\": \"Aa\"}"));
  }

  @Test
  void identifiersThatAreNotShortPlainAsciiAreReadAsText() throws IOException {
    assertEquals("caf\u00e9", readIdentifier("{\"m\": \"caf\u00e9\"}"));
    assertEquals("a\"b", readIdentifier("{\"m\": \"a\\\"b\"}"));
    String longer = "x".repeat(65);
    String read = readIdentifier("{\"m\": \"" + longer + "\"}");
    assertEquals(longer, read);
    assertNotSame(read, readIdentifier("{\"m\": \"" + longer + "\"}")); // not kept
    assertEquals("", readIdentifier("{\"m\": \"\"}"));
    // a parser that is not kept reads the text as it is
    JsonParser p = factory.createParser(utf8("{\"m\": \"v\"}"));
    p.nextToken();
    p.nextToken();
    p.nextToken();
    assertEquals("v", FastJsonFactory.identifier(p));
    p.close();
  }

  private String readIdentifier(String json) throws IOException {
    byte[] b = utf8(json);
    JsonParser p = factory.borrowParser(b, 0, b.length);
    try {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals(JsonToken.FIELD_NAME, p.nextToken());
      assertEquals(JsonToken.VALUE_STRING, p.nextToken());
      String s = FastJsonFactory.identifier(p);
      assertEquals(s, p.getText()); // the parser's state agrees
      assertEquals(JsonToken.END_OBJECT, p.nextToken());
      return s;
    } finally {
      FastJsonFactory.giveBack(p);
    }
  }

  // ---- generators ----

  private static String write(ByteArrayOutputStream to, JsonGenerator g) throws IOException {
    FastJsonFactory.giveBack(g);
    return to.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSameGeneratorWritesEachDocumentToItsOwnStream() throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    JsonGenerator g = factory.borrowGenerator(first);
    g.writeStartObject();
    g.writeArrayFieldStart("a");
    g.writeNumber(1);
    g.writeEndArray();
    g.writeEndObject();
    assertEquals("{\"a\":[1]}", write(first, g));

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    JsonGenerator h = factory.borrowGenerator(second);
    assertSame(g, h);
    assertFalse(h.isClosed());
    assertTrue(h.getOutputContext().inRoot());
    h.writeStartObject();
    h.writeStringField("b", "caf\u00e9");
    h.writeEndObject();
    assertEquals("{\"b\":\"caf\u00e9\"}", write(second, h));
    assertEquals("{\"a\":[1]}", first.toString(StandardCharsets.UTF_8)); // untouched
  }

  @Test
  void aDocumentLeftOpenIsClosedAndTheNextStartsAtTheRoot() throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    JsonGenerator g = factory.borrowGenerator(first);
    g.writeStartObject();
    g.writeArrayFieldStart("a");
    g.writeString("x");
    assertEquals("{\"a\":[\"x\"]}", write(first, g)); // as close() writes it

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    JsonGenerator h = factory.borrowGenerator(second);
    assertSame(g, h);
    h.writeStartArray();
    h.writeEndArray();
    assertEquals("[]", write(second, h)); // no separator left from the first document
  }

  @Test
  void aDocumentLeftOpenWithoutAutomaticClosingDoesNotLeaveItsContextBehind() throws IOException {
    FastJsonFactory f = new FastJsonFactory();
    f.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    JsonGenerator g = f.borrowGenerator(first);
    g.writeStartObject();
    g.writeArrayFieldStart("a");
    g.writeString("x");
    assertEquals("{\"a\":[\"x\"", write(first, g));

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    JsonGenerator h = f.borrowGenerator(second);
    assertSame(g, h);
    h.writeStartObject();
    h.writeNumberField("b", 2);
    h.writeEndObject();
    assertEquals("{\"b\":2}", write(second, h));
  }

  @Test
  void aDocumentWrittenWhileTheKeptGeneratorIsOutGetsAGeneratorOfItsOwn() throws IOException {
    ByteArrayOutputStream outer = new ByteArrayOutputStream();
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    JsonGenerator g = factory.borrowGenerator(outer);
    g.writeStartObject();
    JsonGenerator h = factory.borrowGenerator(inner);
    assertNotSame(g, h);
    h.writeStartArray();
    h.writeEndArray();
    assertEquals("[]", write(inner, h));
    g.writeEndObject();
    assertEquals("{}", write(outer, g));
    assertSame(g, factory.borrowGenerator(new ByteArrayOutputStream()));
  }

  @Test
  void aGeneratorWhoseConfigurationChangedIsNotKept() throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    JsonGenerator g = factory.borrowGenerator(first);
    g.useDefaultPrettyPrinter();
    g.writeStartObject();
    g.writeNumberField("a", 1);
    g.writeEndObject();
    assertTrue(write(first, g).contains("\n"));

    ByteArrayOutputStream second = new ByteArrayOutputStream();
    JsonGenerator h = factory.borrowGenerator(second);
    assertNotSame(g, h);
    h.writeStartObject();
    h.writeNumberField("a", 1);
    h.writeEndObject();
    assertEquals("{\"a\":1}", write(second, h));
  }

  @Test
  void aGivenBackGeneratorHoldsNoStreamAndNoBuffer() throws Exception {
    JsonGenerator g = factory.borrowGenerator(new ByteArrayOutputStream());
    g.writeString("sk-live-secret-text");
    FastJsonFactory.giveBack(g);
    Field target = FastJsonFactory.Generator.class.getDeclaredField("target");
    target.setAccessible(true);
    assertNull(((FastJsonFactory.Generator.Target) target.get(g)).to);
    Field buffer = UTF8JsonGenerator.class.getDeclaredField("_outputBuffer");
    buffer.setAccessible(true);
    assertNull(buffer.get(g)); // back in the thread's recycler, for other generators
  }

  @Test
  void aFactoryThatLeavesStreamsOpenLeavesThemOpen() throws IOException {
    FastJsonFactory open = new FastJsonFactory();
    open.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    boolean[] closed = new boolean[1];
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    JsonGenerator g = open.borrowGenerator(bytes);
    g.writeNull();
    assertEquals("null", write(bytes, g));
    assertFalse(closed[0]);
    JsonGenerator h = factory.borrowGenerator(bytes);
    h.writeNull();
    FastJsonFactory.giveBack(h);
    assertTrue(closed[0]); // the default closes it, as close() does
  }
}
