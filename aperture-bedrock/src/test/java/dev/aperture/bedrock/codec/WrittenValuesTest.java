package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WrittenValuesTest {
  private final AtomicInteger writes = new AtomicInteger();

  private WrittenValues<List<String>, String> values(int maxBytes) {
    return new WrittenValues<>(
        4,
        maxBytes,
        (g, key, variant, index) -> {
          writes.incrementAndGet();
          g.writeStartObject();
          g.writeStringField("key", String.join(",", key));
          g.writeStringField("variant", variant);
          g.writeStringField("text", "caf\u00e9 \ud83c\udf26 \"q\"\n");
          g.writeEndObject();
        });
  }

  /** Two values in one array, as the encoders write turns: the separators must come out right. */
  private static String write(
      WrittenValues<List<String>, String> values, List<String> key, String variant) {
    return new String(
        WireJson.write(
            g -> {
              g.writeStartArray();
              values.write(g, key, variant, 0);
              values.write(g, key, variant, 1);
              g.writeEndArray();
            }),
        StandardCharsets.UTF_8);
  }

  private static String expected(String key, String variant) {
    String one =
        "{\"key\":\""
            + key
            + "\",\"variant\":\""
            + variant
            + "\",\"text\":\"caf\u00e9 \\uD83C\\uDF26 \\\"q\\\"\\n\"}";
    return "[" + one + "," + one + "]";
  }

  @Test
  void aValueIsWrittenUntilItsSecondWritingAndThenCopiedByteForByte() {
    WrittenValues<List<String>, String> values = values(1000);
    List<String> key = List.of("a", "b");

    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(2, writes.get()); // met once, then the second writing kept
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
    assertEquals(2, writes.get()); // copied
  }

  @Test
  void anotherVariantOrAnEqualButOtherKeyIsWrittenAfresh() {
    WrittenValues<List<String>, String> values = values(1000);
    List<String> key = List.of("a", "b");
    write(values, key, "x");
    write(values, key, "x");
    int kept = writes.get();

    assertEquals(expected("a,b", "y"), write(values, key, "y"));
    assertEquals(kept + 2, writes.get());
    List<String> equalKey = new ArrayList<>(key);
    assertEquals(expected("a,b", "x"), write(values, equalKey, "x"));
    assertEquals(kept + 4, writes.get());
    // the variant's own value is now kept in that slot; the first one is written again
    assertEquals(expected("a,b", "y"), write(values, key, "y"));
    assertEquals(expected("a,b", "x"), write(values, key, "x"));
  }

  @Test
  void aValueOverTheLimitIsWrittenEveryTime() {
    WrittenValues<List<String>, String> values = values(10);
    List<String> key = List.of("a");
    for (int i = 0; i < 3; i++) {
      assertEquals(expected("a", "x"), write(values, key, "x"));
    }
    assertEquals(6, writes.get());
  }

  @Test
  void aWriterThatFailsKeepsNothing() {
    WrittenValues<List<String>, String> values =
        new WrittenValues<>(
            4,
            1000,
            (g, key, variant, index) -> {
              throw new BedrockRequestException("turn " + index + ": refused");
            });
    List<String> key = List.of("a");
    for (int i = 0; i < 3; i++) {
      BedrockRequestException e =
          assertThrows(BedrockRequestException.class, () -> write(values, key, "x"));
      assertEquals("turn 0: refused", e.getMessage());
    }
  }

  @Test
  void slotsMustBeAPowerOfTwo() {
    assertThrows(
        IllegalArgumentException.class, () -> new WrittenValues<>(3, 10, (g, k, v, i) -> {}));
  }
}
