package dev.aperture.bedrock.eventstream;

import static dev.aperture.bedrock.eventstream.Frames.crc32;
import static dev.aperture.bedrock.eventstream.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aperture.ApertureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import okio.Buffer;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.Okio;
import org.junit.jupiter.api.Test;

class EventStreamEncoderTest {

  /** Every header type once, as {@link #ALL_TYPES_HEADERS} spells out byte by byte. */
  static EventStreamMessage allTypesMessage() {
    return EventStreamMessage.builder()
        .header("t", HeaderValue.BoolValue.TRUE)
        .header("f", HeaderValue.BoolValue.FALSE)
        .header("b", new HeaderValue.ByteValue((byte) -2))
        .header("s", new HeaderValue.ShortValue((short) -2))
        .header("i", new HeaderValue.IntValue(0x01020304))
        .header("l", new HeaderValue.LongValue(0x0102030405060708L))
        .header("y", new HeaderValue.BytesValue(new byte[] {(byte) 0xCA, (byte) 0xFE}))
        .header("u", new HeaderValue.StringValue("é"))
        .header("d", new HeaderValue.TimestampValue(1_700_000_000_000L))
        .header(
            "g", new HeaderValue.UuidValue(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef")))
        .build();
  }

  /** [name length][name][type][value] for each header of {@link #allTypesMessage()}. */
  static final String ALL_TYPES_HEADERS =
      "01 74 00"
          + " 01 66 01"
          + " 01 62 02 fe"
          + " 01 73 03 ff fe"
          + " 01 69 04 01 02 03 04"
          + " 01 6c 05 01 02 03 04 05 06 07 08"
          + " 01 79 06 00 02 ca fe"
          + " 01 75 07 00 02 c3 a9"
          + " 01 64 08 00 00 01 8b cf e5 68 00"
          + " 01 67 09 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef";

  @Test
  void emptyMessageEncodesToTheKnownSixteenBytes() {
    byte[] frame = EventStreamEncoder.encode(EventStreamMessage.builder().build());

    assertArrayEquals(hex("00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff"), frame);
  }

  @Test
  void knownCrcConstantsAgreeWithTheIndependentCrc() {
    // Guards the fixtures: the literal CRCs below and the bitwise CRC must tell the same story.
    byte[] empty = hex("00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff");
    assertEquals(0x05c248ebL, crc32(empty, 0, 8));
    assertEquals(0x7d98c8ffL, crc32(empty, 0, 12));
    assertEquals(0xcbf43926L, crc32("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  @Test
  void stringHeaderAndPayloadEncodeToHandWrittenBytes() {
    EventStreamMessage message =
        EventStreamMessage.builder().header(":event-type", "chunk").payloadUtf8("hi").build();

    byte[] expected =
        hex(
            "00 00 00 26" // total length 38 = 16 + 20 + 2
                + " 00 00 00 14" // headers length 20
                + " 31 79 d1 b0" // prelude CRC
                + " 0b 3a 65 76 65 6e 74 2d 74 79 70 65" // 11 ":event-type"
                + " 07 00 05 63 68 75 6e 6b" // string, 5 "chunk"
                + " 68 69" // "hi"
                + " e0 c2 94 e8"); // message CRC
    assertArrayEquals(expected, EventStreamEncoder.encode(message));
    assertEquals(0x3179d1b0L, crc32(expected, 0, 8));
    assertEquals(0xe0c294e8L, crc32(expected, 0, expected.length - 4));
  }

  @Test
  void contentTypeHeaderAndJsonPayloadEncodeToTheAwsTestVector() {
    EventStreamMessage message =
        EventStreamMessage.builder()
            .header("content-type", "application/json")
            .payloadUtf8("{'foo':'bar'}")
            .build();

    assertArrayEquals(
        hex(
            "0000003d 00000020 07fd8396 0c 636f6e74656e742d74797065 07 0010"
                + " 6170706c69636174696f6e2f6a736f6e 7b27666f6f273a27626172277d 8d9c08b1"),
        EventStreamEncoder.encode(message));
  }

  @Test
  void everyHeaderTypeIsWrittenWithItsTypeCodeAndBigEndianValue() {
    byte[] frame = EventStreamEncoder.encode(allTypesMessage());
    byte[] headers = hex(ALL_TYPES_HEADERS);

    assertEquals(16 + headers.length, frame.length);
    assertArrayEquals(hex("00 00 00 5d 00 00 00 4d"), Arrays.copyOfRange(frame, 0, 8));
    assertArrayEquals(headers, Arrays.copyOfRange(frame, 12, 12 + headers.length));
    assertEquals(crc32(frame, 0, 8), readU32(frame, 8));
    assertEquals(crc32(frame, 0, frame.length - 4), readU32(frame, frame.length - 4));
  }

  @Test
  void frameLengthIsFrameBytesOfTheMessage() {
    EventStreamMessage message = allTypesMessage();

    assertEquals(message.frameBytes(), EventStreamEncoder.encode(message).length);
  }

  @Test
  void encodingIntoASinkWritesTheSameBytes() throws IOException {
    EventStreamMessage message = allTypesMessage();
    Buffer buffer = new Buffer();

    EventStreamEncoder.encode(message, buffer);

    assertArrayEquals(EventStreamEncoder.encode(message), buffer.readByteArray());
  }

  @Test
  void aFailingSinkIsReportedAsApertureException() {
    IOException broken = new IOException("broken pipe");
    BufferedSink sink =
        Okio.buffer(
            new ForwardingSink(Okio.blackhole()) {
              @Override
              public void write(Buffer source, long byteCount) throws IOException {
                throw broken;
              }
            });

    ApertureException e =
        assertThrows(
            ApertureException.class,
            () -> {
              // A large payload makes the buffered sink emit its full segments at once.
              EventStreamMessage big =
                  EventStreamMessage.builder().payload(new byte[64 * 1024]).build();
              EventStreamEncoder.encode(big, sink);
            });
    assertEquals(broken, e.getCause());
  }

  private static long readU32(byte[] b, int pos) {
    return ((b[pos] & 0xFFL) << 24)
        | ((b[pos + 1] & 0xFFL) << 16)
        | ((b[pos + 2] & 0xFFL) << 8)
        | (b[pos + 3] & 0xFFL);
  }
}
