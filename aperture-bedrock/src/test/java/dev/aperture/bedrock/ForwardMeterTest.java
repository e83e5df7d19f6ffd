package dev.aperture.bedrock;

import static dev.aperture.bedrock.ForwardFixtures.CONVERSE_TOOL_STREAM;
import static dev.aperture.bedrock.ForwardFixtures.CONVERSE_TOOL_USAGE;
import static dev.aperture.bedrock.ForwardFixtures.KEY;
import static dev.aperture.bedrock.ForwardFixtures.encode;
import static dev.aperture.bedrock.ForwardFixtures.exception;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.ForwardFixtures.RecordingSink;
import dev.aperture.bedrock.ForwardFixtures.Report;
import dev.aperture.bedrock.codec.NativeUsage;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.chat.Usage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

class ForwardMeterTest {
  private final RecordingSink sink = new RecordingSink();

  private ForwardMeter converseFrames() {
    return ForwardMeter.frames(sink, 200, KEY, StreamTranslator.converse("m", "p"));
  }

  /** Shows the meter {@code bytes} in pieces of {@code step} bytes, as reads would. */
  private static void observeInPieces(ForwardMeter meter, byte[] bytes, int step) {
    Buffer data = new Buffer().write(bytes);
    for (int offset = 0; offset < bytes.length; offset += step) {
      meter.observe(data, offset, Math.min(step, bytes.length - offset));
    }
  }

  @Test
  void framesSplitAcrossReadsAreDecodedAndReportedAtTheEnd() {
    ForwardMeter meter = converseFrames();

    observeInPieces(meter, encode(CONVERSE_TOOL_STREAM), 1);
    assertTrue(sink.reports.isEmpty(), "nothing is reported before the end of the body");
    meter.endOfBody();
    meter.endOfBody();

    assertEquals(new Report(200, CONVERSE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void frameByFrameFromElsewhereCountsTheSame() {
    ForwardMeter meter = converseFrames();
    for (var frame : CONVERSE_TOOL_STREAM) {
      meter.frame(frame);
    }
    meter.endOfBody();

    assertEquals(new Report(200, CONVERSE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void aStreamWithoutItsUsageEndsIncomplete() {
    ForwardMeter meter = converseFrames();
    observeInPieces(
        meter, encode(Arrays.copyOf(CONVERSE_TOOL_STREAM, CONVERSE_TOOL_STREAM.length - 1)), 7);
    meter.endOfBody();

    assertEquals("stream ended before completion", sink.only().error());
  }

  @Test
  void aCorruptPreludeIsReportedAtOnceAndReadingStops() {
    ForwardMeter meter = converseFrames();
    byte[] bytes = encode(CONVERSE_TOOL_STREAM);
    bytes[9] ^= 0x01; // the first frame's prelude CRC

    observeInPieces(meter, bytes, 64);
    assertEquals(1, sink.reports.size(), "reported as soon as seen");
    meter.endOfBody();

    Report report = sink.only();
    assertEquals(200, report.status());
    assertTrue(report.error().contains("prelude checksum"), report.error());
  }

  @Test
  void aFrameLongerThanTheLimitsIsReportedWithoutWaitingForIt() {
    ForwardMeter meter = converseFrames();
    Buffer prelude = new Buffer().writeInt(0x7FFF_FFFF).writeInt(0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(prelude.snapshot().toByteArray());
    prelude.writeInt((int) crc.getValue());
    byte[] bytes = prelude.readByteArray();

    observeInPieces(meter, bytes, bytes.length);

    assertTrue(sink.only().error().contains("exceeds"), sink.only().error());
  }

  @Test
  void anExceptionFrameIsReportedAsTheError() {
    ForwardMeter meter = converseFrames();
    observeInPieces(
        meter, encode(CONVERSE_TOOL_STREAM[0], exception("modelStreamErrorException", "boom")), 5);

    Report report = sink.only();
    assertEquals(200, report.status());
    assertTrue(report.error().contains("modelStreamErrorException"), report.error());
    assertTrue(report.error().contains("boom"), report.error());
  }

  @Test
  void closingAfterTheStreamCompletedIsNotAFailure() {
    ForwardMeter meter = converseFrames();
    observeInPieces(meter, encode(CONVERSE_TOOL_STREAM), 100);
    meter.closedByCaller();

    assertEquals(new Report(200, CONVERSE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void closingEarlyIs499WithWhatWasSeen() {
    ForwardMeter meter = converseFrames();
    observeInPieces(meter, encode(Arrays.copyOf(CONVERSE_TOOL_STREAM, 4)), 100);
    meter.closedByCaller();
    meter.endOfBody();

    assertEquals(
        new Report(499, Usage.ZERO, List.of("get_weather"), "closed by caller"), sink.only());
  }

  @Test
  void headerCountsWinOverTheJsonBody() {
    Usage fromHeaders = Usage.of(100, 20);
    ForwardMeter meter =
        ForwardMeter.json(sink, 200, KEY, NativeUsage::invokeResponse, fromHeaders);
    observeInPieces(
        meter,
        ("{\"content\":[{\"type\":\"tool_use\",\"name\":\"t\"}],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}")
            .getBytes(UTF_8),
        3);
    meter.endOfBody();

    assertEquals(new Report(200, fromHeaders, List.of("t"), null), sink.only());
  }

  @Test
  void oneHourCacheWritesInTheBodySplitTheHeadersSingleCacheWriteCount() {
    Usage fromHeaders =
        Usage.builder().inputTokens(10).outputTokens(2).cacheWrite5mTokens(30).build();
    ForwardMeter meter =
        ForwardMeter.json(sink, 200, KEY, NativeUsage::invokeResponse, fromHeaders);
    observeInPieces(
        meter,
        ("{\"content\":[],\"usage\":{\"input_tokens\":10,\"output_tokens\":2,"
                + "\"cache_creation_input_tokens\":30,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20}}}")
            .getBytes(UTF_8),
        7);
    meter.endOfBody();

    Usage expected =
        Usage.builder()
            .inputTokens(10)
            .outputTokens(2)
            .cacheWrite5mTokens(10)
            .cacheWrite1hTokens(20)
            .build();
    assertEquals(new Report(200, expected, List.of(), null), sink.only());
  }

  @Test
  void aJsonAnswerClosedEarlyKeepsItsHeaderCounts() {
    ForwardMeter meter =
        ForwardMeter.json(sink, 200, KEY, NativeUsage::invokeResponse, Usage.of(4, 5));
    meter.closedByCaller();

    assertEquals(new Report(499, Usage.of(4, 5), List.of(), "closed by caller"), sink.only());
  }

  @Test
  void aJsonBodyOverTheLimitIsPassedButNotRead() {
    ForwardMeter meter = ForwardMeter.json(sink, 200, KEY, NativeUsage::converseResponse, null);
    byte[] head = "{\"usage\":{\"inputTokens\":1,\"outputTokens\":1},\"pad\":\"".getBytes(UTF_8);
    Buffer data = new Buffer().write(head);
    meter.observe(data, 0, head.length);
    Buffer pad = new Buffer().write(new byte[ForwardMeter.MAX_JSON_COPY_BYTES]);
    meter.observe(pad, 0, pad.size());
    meter.endOfBody();

    assertEquals(new Report(200, Usage.ZERO, List.of(), null), sink.only());
  }

  @Test
  void aSettledAnswerIsReportedWhenMadeAndNeverAgain() {
    ForwardMeter meter = ForwardMeter.settled(sink, 400, KEY, "bad request");
    assertEquals(1, sink.reports.size());
    meter.endOfBody();
    meter.closedByCaller();
    meter.failed("later");

    assertEquals(new Report(400, Usage.ZERO, List.of(), "bad request"), sink.only());
  }

  @Test
  void errorsAreFreeOfTheKey() {
    ForwardMeter.settled(sink, 403, KEY, "the key " + KEY + " is invalid");

    assertEquals("the key **** is invalid", sink.only().error());
  }

  @Test
  void aFailingSinkDoesNotBreakTheCaller() {
    ForwardMeter meter =
        ForwardMeter.json(
            (status, usage, tools, error) -> {
              throw new IllegalStateException("listener bug");
            },
            200,
            KEY,
            NativeUsage::converseResponse,
            null);

    meter.endOfBody(); // does not throw
    meter.closedByCaller();
  }

  @Test
  void theTeePassesBytesUnchangedAndReportsAtTheEnd() throws IOException {
    ForwardMeter meter = converseFrames();
    byte[] frames = encode(CONVERSE_TOOL_STREAM);

    byte[] read = Okio.buffer(meter.tee(new Buffer().write(frames))).readByteArray();

    assertArrayEquals(frames, read);
    assertEquals(CONVERSE_TOOL_USAGE, sink.only().usage());
  }

  @Test
  void aBrokenConnectionIsReportedAndRethrown() {
    ForwardMeter meter = converseFrames();
    IOException broken = new IOException("connection reset");
    Source failing =
        new Source() {
          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            throw broken;
          }

          @Override
          public Timeout timeout() {
            return Timeout.NONE;
          }

          @Override
          public void close() {}
        };

    IOException thrown =
        assertThrows(IOException.class, () -> meter.tee(failing).read(new Buffer(), 10));

    assertSame(broken, thrown);
    assertTrue(sink.only().error().contains("connection reset"), sink.only().error());
    assertFalse(sink.only().error().contains(KEY));
  }
}
