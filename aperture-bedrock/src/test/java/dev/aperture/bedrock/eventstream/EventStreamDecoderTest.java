package dev.aperture.bedrock.eventstream;

import static dev.aperture.bedrock.eventstream.Frames.concat;
import static dev.aperture.bedrock.eventstream.Frames.frame;
import static dev.aperture.bedrock.eventstream.Frames.hex;
import static dev.aperture.bedrock.eventstream.Frames.prelude;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.StreamException;
import dev.aperture.StreamException.Kind;
import dev.aperture.bedrock.eventstream.Frames.ChunkedSource;
import java.io.ByteArrayInputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import okio.BufferedSource;
import okio.Okio;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {
  private static final byte[] EMPTY_FRAME = hex("00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff");

  /** {@code :event-type: chunk} and payload {@code hi}, as in the encoder test. */
  private static final byte[] CHUNK_FRAME =
      hex(
          "00 00 00 26 00 00 00 14 31 79 d1 b0 0b 3a 65 76 65 6e 74 2d 74 79 70 65"
              + " 07 00 05 63 68 75 6e 6b 68 69 e0 c2 94 e8");

  private static final byte[] ALL_TYPES_FRAME =
      frame(
          hex(EventStreamEncoderTest.ALL_TYPES_HEADERS),
          "{\"p\":\"abc\"}".getBytes(StandardCharsets.UTF_8));

  @Test
  void decodesTheKnownEmptyFrame() {
    EventStreamDecoder decoder = EventStreamDecoder.create(EMPTY_FRAME);

    EventStreamMessage message = decoder.next();

    assertNotNull(message);
    assertTrue(message.headers().isEmpty());
    assertEquals(0, message.payloadSize());
    assertNull(decoder.next());
  }

  @Test
  void decodesAHandWrittenFrameWithAStringHeaderAndPayload() {
    EventStreamMessage message = EventStreamDecoder.create(CHUNK_FRAME).next();

    assertEquals(
        List.of(new EventStreamMessage.Header(":event-type", new HeaderValue.StringValue("chunk"))),
        message.headers());
    assertEquals("chunk", message.eventType().orElseThrow());
    assertEquals("hi", message.payloadUtf8());
  }

  @Test
  void decodesHandWrittenBytesOfEveryHeaderType() {
    EventStreamMessage message = EventStreamDecoder.create(ALL_TYPES_FRAME).next();

    assertEquals(EventStreamEncoderTest.allTypesMessage().headers(), message.headers());
    assertEquals("{\"p\":\"abc\"}", message.payloadUtf8());
  }

  @Test
  void repeatedHeaderSectionsShareOneParsedListAndDifferentOnesDoNot() {
    byte[] delta = message("contentBlockDelta", "{\"a\":1}");
    // same length as "contentBlockDelta", one letter apart: must not be taken for it
    byte[] other = message("contentBlockDeltb", "{\"a\":2}");
    List<EventStreamMessage> decoded =
        EventStreamDecoder.decodeAll(concat(delta, delta, other, other, delta));

    assertSame(decoded.get(0).headers(), decoded.get(1).headers());
    assertSame(decoded.get(2).headers(), decoded.get(3).headers());
    assertEquals(decoded.get(0).headers(), decoded.get(4).headers());
    for (int i : new int[] {0, 1, 4}) {
      assertEquals("contentBlockDelta", decoded.get(i).eventType().orElseThrow());
      assertEquals("{\"a\":1}", decoded.get(i).payloadUtf8());
    }
    for (int i : new int[] {2, 3}) {
      assertEquals("contentBlockDeltb", decoded.get(i).eventType().orElseThrow());
      assertEquals("{\"a\":2}", decoded.get(i).payloadUtf8());
    }
    // and across decoders (one per stream), through the cache they share
    assertSame(
        EventStreamDecoder.decodeAll(delta).get(0).headers(),
        EventStreamDecoder.decodeAll(delta).get(0).headers());
    assertThrows(
        UnsupportedOperationException.class,
        () -> decoded.get(0).headers().add(decoded.get(1).headers().get(0)));
  }

  @Test
  void sectionsWithABytesHeaderAreNotShared() {
    byte[] frame =
        EventStreamEncoder.encode(
            EventStreamMessage.builder()
                .header("b", new HeaderValue.BytesValue(new byte[] {1, 2}))
                .payload(new byte[] {1})
                .build());
    List<EventStreamMessage> decoded = EventStreamDecoder.decodeAll(concat(frame, frame));

    assertEquals(decoded.get(0).headers(), decoded.get(1).headers());
    assertTrue(decoded.get(0).headers() != decoded.get(1).headers());
  }

  private static byte[] message(String eventType, String payload) {
    return EventStreamEncoder.encode(
        EventStreamMessage.builder()
            .header(EventStreamMessage.EVENT_TYPE, new HeaderValue.StringValue(eventType))
            .header(
                EventStreamMessage.CONTENT_TYPE, new HeaderValue.StringValue("application/json"))
            .header(":message-type", new HeaderValue.StringValue("event"))
            .payload(payload.getBytes(StandardCharsets.UTF_8))
            .build());
  }

  @Test
  void allTenHeaderTypesSurviveARoundTrip() {
    EventStreamMessage original =
        EventStreamMessage.builder()
            .header("true", HeaderValue.BoolValue.TRUE)
            .header("false", HeaderValue.BoolValue.FALSE)
            .header("byte", new HeaderValue.ByteValue(Byte.MIN_VALUE))
            .header("short", new HeaderValue.ShortValue(Short.MIN_VALUE))
            .header("int", new HeaderValue.IntValue(Integer.MIN_VALUE))
            .header("long", new HeaderValue.LongValue(Long.MIN_VALUE))
            .header("bytes", new HeaderValue.BytesValue(new byte[] {0, -1, 127, -128}))
            .header("string", new HeaderValue.StringValue("naïve 🙂 text"))
            .header("timestamp", new HeaderValue.TimestampValue(-1L))
            .header("uuid", new HeaderValue.UuidValue(UUID.randomUUID()))
            .header("empty-bytes", new HeaderValue.BytesValue(new byte[0]))
            .header("empty-string", new HeaderValue.StringValue(""))
            .payload(new byte[] {1, 2, 3})
            .build();

    List<EventStreamMessage> decoded =
        EventStreamDecoder.decodeAll(EventStreamEncoder.encode(original));

    assertEquals(List.of(original), decoded);
    int[] typeCodes =
        decoded.get(0).headers().stream().mapToInt(h -> h.value().typeCode()).toArray();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 6, 7}, typeCodes);
  }

  @Test
  void framesSplitInTwoAtEveryOffsetDecodeTheSame() {
    byte[] stream = concat(EMPTY_FRAME, CHUNK_FRAME, ALL_TYPES_FRAME, CHUNK_FRAME);
    List<EventStreamMessage> expected = EventStreamDecoder.decodeAll(stream);
    assertEquals(4, expected.size());

    for (int split = 1; split < stream.length; split++) {
      List<byte[]> parts =
          List.of(
              java.util.Arrays.copyOfRange(stream, 0, split),
              java.util.Arrays.copyOfRange(stream, split, stream.length));
      EventStreamDecoder decoder =
          EventStreamDecoder.create(Okio.buffer(new ChunkedSource(parts, null)));

      assertEquals(expected, readAll(decoder), "split at byte " + split);
    }
  }

  @Test
  void framesArrivingOneByteAtATimeDecodeTheSame() {
    byte[] stream = concat(EMPTY_FRAME, CHUNK_FRAME, ALL_TYPES_FRAME, CHUNK_FRAME);
    for (int chunkBytes = 1; chunkBytes <= 17; chunkBytes++) {
      EventStreamDecoder decoder =
          EventStreamDecoder.create(Okio.buffer(ChunkedSource.of(stream, chunkBytes)));

      assertEquals(
          EventStreamDecoder.decodeAll(stream), readAll(decoder), "chunks of " + chunkBytes);
    }
  }

  @Test
  void aPayloadSpanningManyBufferSegmentsDecodesIntact() {
    byte[] payload = new byte[300_000];
    new Random(42).nextBytes(payload);
    EventStreamMessage original =
        EventStreamMessage.builder().header(":event-type", "chunk").payload(payload).build();
    byte[] stream =
        concat(EventStreamEncoder.encode(original), EventStreamEncoder.encode(original));

    EventStreamDecoder decoder =
        EventStreamDecoder.create(Okio.buffer(ChunkedSource.of(stream, 1500)));

    assertEquals(List.of(original, original), readAll(decoder));
  }

  @Test
  void aFrameIsReturnedBeforeTheNextOneArrives() {
    // The source fails on any read past the first frame: the decoder must not ask for more.
    ChunkedSource source =
        new ChunkedSource(List.of(CHUNK_FRAME), new SocketException("would block forever"));
    EventStreamDecoder decoder = EventStreamDecoder.create(Okio.buffer(source));

    assertEquals("hi", decoder.next().payloadUtf8());
  }

  @Test
  void cleanEndOfStreamReturnsNullOnEveryCall() {
    EventStreamDecoder decoder = EventStreamDecoder.create(new byte[0]);

    assertNull(decoder.next());
    assertNull(decoder.next());
  }

  @Test
  void aBadPreludeCrcIsABadFrameNamingBothValues() {
    byte[] frame = CHUNK_FRAME.clone();
    frame[11] ^= 0x01; // prelude CRC 3179d1b0 → 3179d1b1

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(frame).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("prelude CRC"), e.getMessage());
    assertTrue(
        e.getMessage().contains("3179d1b1") && e.getMessage().contains("3179d1b0"), e.getMessage());
  }

  @Test
  void aCorruptLengthIsCaughtByThePreludeCrcBeforeAnyLengthCheck() {
    byte[] frame = CHUNK_FRAME.clone();
    frame[0] = 0x7F; // would be an oversized frame if the CRC were not checked first

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(frame).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("prelude CRC"), e.getMessage());
  }

  @Test
  void framesOfEverySizeAroundTheKeptBufferDecodeAndTheirCrcsAreChecked() {
    // small frames go through one kept buffer, frames over 64 KB after the prelude straight into
    // their own payload array; both in one stream, in both orders, and each with a bad CRC
    int[] sizes = {0, 1, 1_000, 64 * 1024 - 100, 64 * 1024, 70_000, 200_000, 3};
    List<byte[]> frames = new ArrayList<>();
    List<EventStreamMessage> messages = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      byte[] payload = new byte[sizes[i]];
      new java.util.Random(i).nextBytes(payload);
      EventStreamMessage m =
          EventStreamMessage.builder().header(":event-type", "e" + i).payload(payload).build();
      messages.add(m);
      frames.add(EventStreamEncoder.encode(m));
    }
    List<EventStreamMessage> decoded =
        EventStreamDecoder.decodeAll(Frames.concat(frames.toArray(new byte[0][])));
    assertEquals(messages.size(), decoded.size());
    for (int i = 0; i < messages.size(); i++) {
      assertEquals(messages.get(i).headers(), decoded.get(i).headers());
      assertTrue(
          java.util.Arrays.equals(messages.get(i).payload(), decoded.get(i).payload()),
          "payload of frame " + i);
    }
    for (int i = 0; i < frames.size(); i++) {
      byte[] bad = frames.get(i).clone();
      bad[bad.length - 5] ^= 1; // the last payload byte (or a header byte when there is none)
      byte[] stream = Frames.concat(frames.get(2), bad);
      EventStreamDecoder decoder = EventStreamDecoder.create(stream);
      assertNotNull(decoder.next());
      StreamException e = assertThrows(StreamException.class, decoder::next, "frame " + i);
      assertEquals(Kind.BAD_FRAME, e.kind());
      assertTrue(e.getMessage().contains("message CRC"), e.getMessage());
    }
  }

  /**
   * A view message reads as the message {@code next()} makes of the same frame (every accessor,
   * equality, hash, re-encoding) until the next frame is read; a copy taken from it stays intact.
   */
  @Test
  void viewMessagesReadAsOwnMessagesUntilTheNextFrame() {
    int[] sizes = {5, 0, 1_000, 64 * 1024 - 100, 70_000, 300, 2};
    List<EventStreamMessage> messages = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      byte[] payload = new byte[sizes[i]];
      new Random(100 + i).nextBytes(payload);
      EventStreamMessage m =
          EventStreamMessage.builder().header(":event-type", "e" + i).payload(payload).build();
      messages.add(m);
      frames.add(EventStreamEncoder.encode(m));
    }
    byte[] stream = concat(frames.toArray(new byte[0][]));
    EventStreamDecoder views = EventStreamDecoder.create(stream);
    List<byte[]> copies = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      EventStreamMessage want = messages.get(i);
      EventStreamMessage view = views.nextView();
      assertEquals(want, view, "frame " + i);
      assertEquals(view, want);
      assertEquals(want.hashCode(), view.hashCode());
      assertEquals(want.toString(), view.toString());
      assertEquals(want.payloadSize(), view.payloadSize());
      assertEquals(want.frameBytes(), view.frameBytes());
      assertArrayEquals(want.payload(), view.payload());
      assertEquals(want.payloadUtf8(), view.payloadUtf8());
      assertArrayEquals(want.payload(), readAll(view.payloadStream()));
      java.nio.ByteBuffer b = view.payloadView();
      assertEquals(0, b.position());
      assertEquals(want.payloadSize(), b.remaining());
      byte[] fromView = new byte[b.remaining()];
      b.get(fromView);
      assertArrayEquals(want.payload(), fromView);
      byte[] copied = new byte[view.payloadSize() + 3];
      view.copyPayload(copied, 3);
      assertArrayEquals(
          want.payload(), java.util.Arrays.copyOfRange(copied, 3, copied.length), "frame " + i);
      assertArrayEquals(frames.get(i), EventStreamEncoder.encode(view));
      copies.add(view.payload());
    }
    assertNull(views.nextView());
    for (int i = 0; i < messages.size(); i++) {
      assertArrayEquals(messages.get(i).payload(), copies.get(i), "copy of frame " + i);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aBadMessageCrcIsABadFrameNamingBothValues() {
    byte[] frame = CHUNK_FRAME.clone();
    frame[frame.length - 5] = 'o'; // payload "hi" → "ho"; the CRC still says e0c294e8

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(frame).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("message CRC"), e.getMessage());
    assertTrue(e.getMessage().contains("e0c294e8"), e.getMessage());
    String computed = String.format("%08x", Frames.crc32(frame, 0, frame.length - 4));
    assertTrue(e.getMessage().contains(computed), e.getMessage());
  }

  @Test
  void endOfStreamInsideThePreludeIsTruncated() {
    byte[] cut = java.util.Arrays.copyOf(CHUNK_FRAME, 5);

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(cut).next());

    assertEquals(Kind.TRUNCATED, e.kind());
  }

  @Test
  void endOfStreamInsideTheBodyIsTruncatedAfterTheFramesBeforeIt() {
    byte[] stream =
        concat(CHUNK_FRAME, java.util.Arrays.copyOf(CHUNK_FRAME, CHUNK_FRAME.length - 1));
    EventStreamDecoder decoder = EventStreamDecoder.create(stream);

    assertEquals("hi", decoder.next().payloadUtf8());
    StreamException e = assertThrows(StreamException.class, decoder::next);

    assertEquals(Kind.TRUNCATED, e.kind());
    assertTrue(e.getMessage().contains("offset 38"), e.getMessage());
  }

  @Test
  void aFailingSourceIsTruncatedWithTheIoErrorAsCause() {
    SocketException reset = new SocketException("connection reset");
    byte[] half = java.util.Arrays.copyOf(CHUNK_FRAME, 20);
    EventStreamDecoder decoder =
        EventStreamDecoder.create(Okio.buffer(new ChunkedSource(List.of(half), reset)));

    StreamException e = assertThrows(StreamException.class, decoder::next);

    assertEquals(Kind.TRUNCATED, e.kind());
    assertSame(reset, e.getCause());
  }

  @Test
  void aPayloadLengthOverTheLimitIsOversizedWithoutReadingTheBody() {
    // Only the prelude exists: reading the declared 24 MiB would end in TRUNCATED instead.
    byte[] stream = prelude(16L + EventStreamMessage.MAX_PAYLOAD_BYTES + 1, 0);

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.OVERSIZED, e.kind());
    assertTrue(e.getMessage().contains("payload length"), e.getMessage());
  }

  @Test
  void aPayloadOfExactlyTheLimitIsNotOversized() {
    // Declares the largest legal payload but stops after the prelude: the decoder must go on to
    // read it, so the stream ends as truncated rather than oversized.
    byte[] stream = prelude(16L + EventStreamMessage.MAX_PAYLOAD_BYTES, 0);

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.TRUNCATED, e.kind());
  }

  @Test
  void aHeadersLengthOverTheLimitIsOversized() {
    long headersLength = EventStreamMessage.MAX_HEADERS_BYTES + 1;
    byte[] stream = prelude(16 + headersLength, headersLength);

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.OVERSIZED, e.kind());
    assertTrue(e.getMessage().contains("headers length"), e.getMessage());
  }

  @Test
  void aTotalLengthBelowSixteenIsABadFrame() {
    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(prelude(15, 0)).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
  }

  @Test
  void aHeadersLengthBeyondTheFrameIsABadFrame() {
    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(prelude(20, 5)).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @Test
  void anUnknownHeaderTypeIsABadFrame() {
    byte[] stream = frame(hex("01 78 0a 00"), new byte[0]); // "x", type 10

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("unknown type 10"), e.getMessage());
  }

  @Test
  void aStringValueOverrunningTheHeadersIsABadFrame() {
    byte[] stream = frame(hex("01 78 07 00 05 61 62"), hex("63 64 65")); // claims 5, has 2

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
    assertTrue(e.getMessage().contains("overruns"), e.getMessage());
  }

  @Test
  void aFixedSizeValueOverrunningTheHeadersIsABadFrame() {
    byte[] stream = frame(hex("01 78 05 00 00 00 00"), new byte[0]); // long needs 8, has 4

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
  }

  @Test
  void aHeaderNameOverrunningTheHeadersIsABadFrame() {
    byte[] stream = frame(hex("09 61 62 63"), new byte[0]); // name of 9, 3 bytes left

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
  }

  @Test
  void anEmptyHeaderNameIsABadFrame() {
    byte[] stream = frame(hex("00 00"), new byte[0]);

    StreamException e =
        assertThrows(StreamException.class, () -> EventStreamDecoder.create(stream).next());

    assertEquals(Kind.BAD_FRAME, e.kind());
  }

  @Test
  void afterAFailureEveryCallFailsWithTheFirstFailureAsCause() {
    byte[] bad = CHUNK_FRAME.clone();
    bad[11] ^= 0x01;
    EventStreamDecoder decoder = EventStreamDecoder.create(concat(bad, CHUNK_FRAME));

    StreamException first = assertThrows(StreamException.class, decoder::next);
    StreamException second = assertThrows(StreamException.class, decoder::next);

    assertEquals(Kind.BAD_FRAME, second.kind());
    assertSame(first, second.getCause());
  }

  @Test
  void closingClosesTheSourceAndLaterReadsFailAsClosed() {
    ChunkedSource source = new ChunkedSource(List.of(CHUNK_FRAME, CHUNK_FRAME), null);
    EventStreamDecoder decoder = EventStreamDecoder.create(Okio.buffer(source));
    decoder.next();

    decoder.close();
    decoder.close();

    assertTrue(source.closed);
    assertEquals(Kind.CLOSED, assertThrows(StreamException.class, decoder::next).kind());
  }

  @Test
  void aSourceClosedUnderTheDecoderFailsAsClosed() throws Exception {
    BufferedSource source = Okio.buffer(new ChunkedSource(List.of(CHUNK_FRAME), null));
    EventStreamDecoder decoder = EventStreamDecoder.create(source);

    source.close(); // as when another thread cancels the call and closes the body

    assertEquals(Kind.CLOSED, assertThrows(StreamException.class, decoder::next).kind());
  }

  @Test
  void repeatedHeaderStringsAreSharedBetweenFrames() {
    EventStreamDecoder decoder = EventStreamDecoder.create(concat(CHUNK_FRAME, CHUNK_FRAME));

    EventStreamMessage a = decoder.next();
    EventStreamMessage b = decoder.next();

    assertSame(a.headers().get(0).name(), b.headers().get(0).name());
    assertSame(a.eventType().orElseThrow(), b.eventType().orElseThrow());
  }

  @Test
  void anInputStreamCanBeDecoded() {
    EventStreamDecoder decoder =
        EventStreamDecoder.create(new ByteArrayInputStream(concat(CHUNK_FRAME, EMPTY_FRAME)));

    assertEquals(2, readAll(decoder).size());
  }

  private static List<EventStreamMessage> readAll(EventStreamDecoder decoder) {
    List<EventStreamMessage> messages = new ArrayList<>();
    for (EventStreamMessage m; (m = decoder.next()) != null; ) {
      messages.add(m);
    }
    return messages;
  }
}
