package dev.aperture.bedrock.eventstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HeaderValueTest {

  @Test
  void eachRecordCarriesItsWireTypeCode() {
    List<HeaderValue> values =
        List.of(
            new HeaderValue.BoolValue(true),
            new HeaderValue.BoolValue(false),
            new HeaderValue.ByteValue((byte) 1),
            new HeaderValue.ShortValue((short) 1),
            new HeaderValue.IntValue(1),
            new HeaderValue.LongValue(1),
            new HeaderValue.BytesValue(new byte[1]),
            new HeaderValue.StringValue("1"),
            new HeaderValue.TimestampValue(1),
            new HeaderValue.UuidValue(new UUID(0, 1)));

    assertEquals(
        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), values.stream().map(HeaderValue::typeCode).toList());
  }

  @Test
  void booleansComeFromSharedInstances() {
    assertSame(HeaderValue.BoolValue.TRUE, HeaderValue.BoolValue.of(true));
    assertSame(HeaderValue.BoolValue.FALSE, HeaderValue.BoolValue.of(false));
    assertEquals(HeaderValue.BoolValue.TRUE, new HeaderValue.BoolValue(true));
  }

  @Test
  void bytesAreCopiedInAndOutAndComparedByContent() {
    byte[] input = {1, 2};
    HeaderValue.BytesValue value = new HeaderValue.BytesValue(input);

    input[0] = 9;
    value.value()[1] = 9;

    assertArrayEquals(new byte[] {1, 2}, value.value());
    assertEquals(new HeaderValue.BytesValue(new byte[] {1, 2}), value);
    assertEquals(new HeaderValue.BytesValue(new byte[] {1, 2}).hashCode(), value.hashCode());
    assertNotEquals(new HeaderValue.BytesValue(new byte[] {1, 3}), value);
    assertEquals(2, value.size());
  }

  @Test
  void bytesOverTheU16LengthAreRejected() {
    new HeaderValue.BytesValue(new byte[65_535]);

    assertThrows(
        IllegalArgumentException.class, () -> new HeaderValue.BytesValue(new byte[65_536]));
  }

  @Test
  void aTimestampIsAlsoAnInstant() {
    assertEquals(
        Instant.parse("2023-11-14T22:13:20Z"),
        new HeaderValue.TimestampValue(1_700_000_000_000L).instant());
  }

  @Test
  void nullStringsAndUuidsAreRejected() {
    assertThrows(NullPointerException.class, () -> new HeaderValue.StringValue(null));
    assertThrows(NullPointerException.class, () -> new HeaderValue.UuidValue(null));
  }
}
