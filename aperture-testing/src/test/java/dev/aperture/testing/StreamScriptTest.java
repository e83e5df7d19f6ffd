package dev.aperture.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aperture.bedrock.eventstream.EventStreamEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The emulator's frames checked against bytes computed outside Java (Python's {@code zlib.crc32}),
 * and the test's own reader checked against known vectors before it is trusted elsewhere.
 */
class StreamScriptTest {
  /** {@code chunk} event, payload {@code {}}: lengths 93/75, prelude CRC 44af4c0b, CRC ff8b8869. */
  private static final String CHUNK_EVENT_FRAME =
      "00 00 00 5d 00 00 00 4b 44 af 4c 0b 0b 3a 65 76"
          + "65 6e 74 2d 74 79 70 65 07 00 05 63 68 75 6e 6b"
          + "0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00"
          + "10 61 70 70 6c 69 63 61 74 69 6f 6e 2f 6a 73 6f"
          + "6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07"
          + "00 05 65 76 65 6e 74 7b 7d ff 8b 88 69";

  /** The event-stream format's "empty message" vector: no headers, no payload. */
  private static final String EMPTY_MESSAGE_FRAME =
      "00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff";

  @Test
  void anEventFrameMatchesTheHandComputedBytes() {
    byte[] frame = EventStreamEncoder.encode(StreamScript.eventMessage("chunk", "{}"));
    assertArrayEquals(TestFrames.hex(CHUNK_EVENT_FRAME), frame);
  }

  @Test
  void theIndependentReaderDecodesTheHandComputedFrame() throws Exception {
    TestFrames.Frame frame = TestFrames.parse(TestFrames.hex(CHUNK_EVENT_FRAME));
    assertEquals(
        Map.of(
            ":event-type", "chunk", ":content-type", "application/json", ":message-type", "event"),
        frame.headers());
    assertEquals(
        List.of(":event-type", ":content-type", ":message-type"),
        List.copyOf(frame.headers().keySet()));
    assertEquals("{}", frame.payloadUtf8());
  }

  @Test
  void theIndependentReaderDecodesTheEmptyMessageVector() throws Exception {
    TestFrames.Frame frame = TestFrames.parse(TestFrames.hex(EMPTY_MESSAGE_FRAME));
    assertEquals(Map.of(), frame.headers());
    assertEquals(0, frame.payload().length);
  }

  @Test
  void theIndependentCrcGivesTheStandardCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xCBF43926L, TestFrames.crc32(check, 0, check.length));
  }

  @Test
  void theIndependentReaderRejectsEitherCrcFlipped() {
    byte[] badPrelude = TestFrames.hex(EMPTY_MESSAGE_FRAME);
    badPrelude[11] ^= 1;
    assertEquals(
        "prelude",
        assertThrows(TestFrames.CrcMismatch.class, () -> TestFrames.parse(badPrelude)).which);
    byte[] badMessage = TestFrames.hex(EMPTY_MESSAGE_FRAME);
    badMessage[15] ^= 1;
    assertEquals(
        "message",
        assertThrows(TestFrames.CrcMismatch.class, () -> TestFrames.parse(badMessage)).which);
  }

  @Test
  void anExceptionFrameCarriesItsTypeAndAMessagePayload() throws Exception {
    TestFrames.Frame frame =
        TestFrames.parse(
            EventStreamEncoder.encode(StreamScript.exception("throttlingException", "slow down")));
    assertEquals(
        List.of(":exception-type", ":content-type", ":message-type"),
        List.copyOf(frame.headers().keySet()));
    assertEquals("exception", frame.header(":message-type"));
    assertEquals("throttlingException", frame.header(":exception-type"));
    assertEquals("{\"message\":\"slow down\"}", frame.payloadUtf8());
  }

  @Test
  void thePausePointIsTheFirstDeltaFrame() {
    StreamScript script =
        new StreamScript().event("messageStart", "{}").event("contentBlockStart", "{}");
    assertEquals(2, script.firstDeltaFrame(), "no delta: the first content frame");
    script.delta("contentBlockDelta", "{}").delta("contentBlockDelta", "{}");
    assertEquals(3, script.firstDeltaFrame());
  }
}
