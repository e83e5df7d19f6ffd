package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WrittenValuesTest {
  private final AtomicInteger writes = new AtomicInteger();

  /** Values that write their key and variant, and a text with escapes and a surrogate pair. */
  private WrittenValues<List<String>, String> values(int slots, int maxBytes) {
    return values(slots, maxBytes, key -> true);
  }

  private WrittenValues<List<String>, String> values(
      int slots, int maxBytes, java.util.function.Predicate<List<String>> mayKeep) {
    return new WrittenValues<>(
        slots,
        maxBytes,
        mayKeep,
        (g, key, variant, index) -> {
          writes.incrementAndGet();
          g.writeStartObject();
          g.writeStringField("key", String.join(",", key));
          g.writeStringField("variant", variant);
          g.writeStringField("text", "caf\u00e9 \ud83c\udf26 \"q\"\n");
          g.writeEndObject();
        });
  }

  /** The value written twice in one array, as the encoders write turns: separators must hold. */
  private static String write(
      WrittenValues<List<String>, String> values, List<String> key, String variant) {
    return new String(
        WireJson.write(
            g -> {
              g.writeStartArray();
              values.write(g, key, variant, 0);
              g.writeNumber(0);
              values.write(g, key, variant, 1);
              g.writeEndArray();
            }),
        StandardCharsets.UTF_8);
  }

  private static String one(String key, String variant) {
    return "{\"key\":\""
        + key
        + "\",\"variant\":\""
        + variant
        + "\",\"text\":\"caf\u00e9 \\uD83C\\uDF26 \\\"q\\\"\\n\"}";
  }

  private static String expected(String key, String variant) {
    return "[" + one(key, variant) + ",0," + one(key, variant) + "]";
  }

  @Test
  void aValueIsWrittenUntilItsSecondWritingAndThenCopiedByteForByte() {
    WrittenValues<List<String>, String> values = values(4, 1000);
    List<String> key = List.of("a", "b");

    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(2, writes.get()); // met once, then the second writing kept
    assertTrue(values.holds(key));
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(2, writes.get()); // copied
  }

  @Test
  void anotherVariantOrAnEqualButOtherKeyIsWrittenAfresh() {
    WrittenValues<List<String>, String> values = values(4, 1000);
    List<String> key = List.of("a", "b");
    write(values, key, "x");
    int kept = writes.get();

    assertEquals(expected("a,b", "y"), write(values, key, "y"));
    assertEquals(kept + 2, writes.get());
    List<String> equalKey = new ArrayList<>(key);
    assertEquals(expected("a,b", "x"), write(values, equalKey, "x"));
    assertEquals(kept + 4, writes.get());
    assertEquals(expected("a,b", "y"), write(values, key, "y"));
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
  }

  /** Two keys of the same home slot among two ({@code identityHashCode & 1}). */
  private static List<List<String>> twoKeysOfOneSlot() {
    List<String> first = List.of("a");
    while (true) {
      List<String> other = new ArrayList<>(List.of("b"));
      if (((System.identityHashCode(other) ^ System.identityHashCode(first)) & 1) == 0) {
        return List.of(first, other);
      }
    }
  }

  @Test
  void twoValuesOfOneSlotWrittenInTurnAreBothKept() {
    WrittenValues<List<String>, String> values = values(2, 1000);
    List<List<String>> keys = twoKeysOfOneSlot();
    for (int request = 0; request < 5; request++) {
      // one request writes both, one after the other, as a conversation writes its turns
      String json =
          new String(
              WireJson.write(
                  g -> {
                    g.writeStartArray();
                    values.write(g, keys.get(0), "x", 0);
                    values.write(g, keys.get(1), "x", 1);
                    g.writeEndArray();
                  }),
              StandardCharsets.UTF_8);
      assertEquals("[" + one("a", "x") + "," + one("b", "x") + "]", json, "request " + request);
      if (request == 1) {
        assertEquals(4, writes.get()); // each written, then written and kept
      }
    }
    assertEquals(4, writes.get()); // neither evicts the other: copied from the third request on
  }

  @Test
  void bytesThatWouldNotSurviveTheStringAreWrittenAsTheWriterWritesThem() {
    byte[] broken = {'"', (byte) 0xC3, '"'}; // a lone lead byte: not UTF-8
    WrittenValues<List<String>, String> values =
        new WrittenValues<>(
            4,
            1000,
            key -> true,
            (g, key, variant, index) -> {
              writes.incrementAndGet();
              g.writeRawUTF8String(broken, 1, 1);
            });
    List<String> key = List.of("a");
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(broken, WireJson.write(g -> values.write(g, key, "x", 0)));
    }
    assertEquals(5, writes.get()); // never copied: once more to measure it, then each time
  }

  /** Values whose writer writes the variant, and throws {@code failure}'s on its second call. */
  private static WrittenValues<List<String>, String> failingOnTheSecondCall(
      AtomicInteger calls, java.util.function.IntFunction<Exception> failureAt) {
    return new WrittenValues<>(
        4,
        1000,
        key -> true,
        (g, key, variant, index) -> {
          if (calls.incrementAndGet() == 2) {
            Exception failure = failureAt.apply(index);
            if (failure instanceof IOException io) {
              throw io;
            }
            throw (RuntimeException) failure;
          }
          g.writeString(variant);
        });
  }

  @Test
  void aGeneratorFailureOnTheSecondWritingComesOutAsItself() throws IOException {
    WrittenValues<List<String>, String> values =
        failingOnTheSecondCall(new AtomicInteger(), i -> new IOException("the generator failed"));
    List<String> key = List.of("a");
    JsonGenerator g = new JsonFactory().createGenerator(new ByteArrayOutputStream());
    values.write(g, key, "x", 0);
    IOException e = assertThrows(IOException.class, () -> values.write(g, key, "x", 0));
    assertEquals("the generator failed", e.getMessage());
  }

  @Test
  void aValueOverTheLimitIsWrittenEveryTimeWithoutBeingEncodedTwice() {
    WrittenValues<List<String>, String> values = values(4, 10);
    List<String> key = List.of("a");
    assertEquals(expected("a", "x"), write(values, key, "x"));
    assertEquals(2, writes.get()); // once directly, once to measure it
    for (int i = 0; i < 3; i++) {
      assertEquals(expected("a", "x"), write(values, key, "x"));
    }
    assertEquals(8, writes.get()); // each time once, straight into the generator
  }

  @Test
  void aValueThatMayNotBeKeptLeavesNoReference() {
    WrittenValues<List<String>, String> values = values(4, 1000, k -> !k.contains("a"));
    List<String> key = List.of("a");
    for (int i = 0; i < 3; i++) {
      String json =
          new String(WireJson.write(g -> values.write(g, key, "x", 0)), StandardCharsets.UTF_8);
      assertTrue(json.startsWith("{\"key\":\"a\""), json);
    }
    assertEquals(3, writes.get());
    assertFalse(values.holds(key));
  }

  @Test
  void aWriterFailingOnTheSecondWritingKeepsNothingAndTheNextWritingKeeps() {
    AtomicInteger calls = new AtomicInteger();
    WrittenValues<List<String>, String> values =
        failingOnTheSecondCall(calls, i -> new BedrockRequestException("turn " + i + ": refused"));
    List<String> key = List.of("a");
    assertEquals("\"x\"", writeOne(values, key));
    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> writeOne(values, key));
    assertEquals("turn 7: refused", e.getMessage());
    assertEquals("\"x\"", writeOne(values, key)); // written and kept this time
    assertEquals("\"x\"", writeOne(values, key));
    assertEquals(3, calls.get()); // the fourth was copied
  }

  private static String writeOne(WrittenValues<List<String>, String> values, List<String> key) {
    return new String(WireJson.write(g -> values.write(g, key, "x", 7)), StandardCharsets.UTF_8);
  }

  @Test
  void threadsWritingTheSameValuesAllGetTheirBytes() throws Exception {
    WrittenValues<List<String>, String> values = values(2, 1000);
    List<List<String>> keys = List.of(List.of("a"), List.of("b"), List.of("c"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    List<String> key = keys.get((i + offset) % keys.size());
                    String variant = (i / 3) % 2 == 0 ? "x" : "y";
                    assertEquals(expected(key.get(0), variant), write(values, key, variant));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void slotsMustBeAPowerOfTwoOfAtLeastTwo() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new WrittenValues<>(3, 10, k -> true, (g, k, v, i) -> {}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WrittenValues<>(1, 10, k -> true, (g, k, v, i) -> {}));
  }
}
