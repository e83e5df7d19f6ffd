package dev.aperture.bedrock;

import static dev.aperture.bedrock.ForwardFixtures.CLAUDE_TOOL_EVENTS;
import static dev.aperture.bedrock.ForwardFixtures.CLAUDE_TOOL_USAGE;
import static dev.aperture.bedrock.ForwardFixtures.KEY;
import static dev.aperture.bedrock.ForwardFixtures.chunk;
import static dev.aperture.bedrock.ForwardFixtures.chunks;
import static dev.aperture.bedrock.ForwardFixtures.encode;
import static dev.aperture.bedrock.ForwardFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.ForwardFixtures.RecordingSink;
import dev.aperture.bedrock.ForwardFixtures.Report;
import dev.aperture.bedrock.codec.StreamTranslator;
import java.util.Arrays;
import java.util.List;
import okio.Buffer;
import okio.Okio;
import org.junit.jupiter.api.Test;

class AnthropicSseSourceTest {
  private final RecordingSink sink = new RecordingSink();

  private AnthropicSseSource sse(byte[] frames) {
    ForwardMeter meter =
        ForwardMeter.frames(sink, 200, KEY, StreamTranslator.anthropicInvoke("m", "p"));
    return new AnthropicSseSource(new Buffer().write(frames), meter);
  }

  private static String sseOf(String... events) {
    StringBuilder sb = new StringBuilder();
    for (String e : events) {
      String type = e.substring(e.indexOf("\"type\":\"") + 8);
      type = type.substring(0, type.indexOf('"'));
      sb.append("event: ").append(type).append("\ndata: ").append(e).append("\n\n");
    }
    return sb.toString();
  }

  @Test
  void eachChunkBecomesOneServerSentEventAndUsageIsReportedAtTheEnd() throws Exception {
    String text = Okio.buffer(sse(encode(chunks(CLAUDE_TOOL_EVENTS)))).readUtf8();

    assertEquals(sseOf(CLAUDE_TOOL_EVENTS), text);
    assertEquals(new Report(200, CLAUDE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void framesAreDecodedOnlyAsTheCallerReads() throws Exception {
    byte[] frames = encode(chunks(CLAUDE_TOOL_EVENTS));
    int firstFrame = encode(chunk(CLAUDE_TOOL_EVENTS[0])).length;
    Buffer upstream = new Buffer().write(frames);
    AnthropicSseSource source =
        new AnthropicSseSource(
            upstream,
            ForwardMeter.frames(sink, 200, KEY, StreamTranslator.anthropicInvoke("m", "p")));
    Buffer out = new Buffer();

    assertEquals(5, source.read(out, 5));
    assertEquals("event", out.readUtf8());
    assertEquals(frames.length - firstFrame, upstream.size(), "one frame decoded, no more");

    String firstEvent = sseOf(CLAUDE_TOOL_EVENTS[0]);
    while (out.size() < firstEvent.length() - 5) {
      source.read(out, 1);
    }
    assertEquals(firstEvent.substring(5), out.readUtf8());
    assertEquals(frames.length - firstFrame, upstream.size(), "its events were all read first");
    assertTrue(sink.reports.isEmpty());
  }

  @Test
  void otherEventTypesAreSkipped() throws Exception {
    String text =
        Okio.buffer(sse(encode(event("someFutureEvent", "{}"), chunk(CLAUDE_TOOL_EVENTS[0]))))
            .readUtf8();

    // the unknown event adds nothing; the stream, cut after message_start, then ends in an error
    assertTrue(text.startsWith(sseOf(CLAUDE_TOOL_EVENTS[0]) + "event: error\n"), text);
  }

  @Test
  void aStreamCutInsideAFrameEndsWithAnErrorEvent() throws Exception {
    byte[] frames = encode(chunks(CLAUDE_TOOL_EVENTS));
    byte[] cut = Arrays.copyOf(frames, frames.length - 10);

    String text = Okio.buffer(sse(cut)).readUtf8();

    String prefix = sseOf(Arrays.copyOf(CLAUDE_TOOL_EVENTS, CLAUDE_TOOL_EVENTS.length - 1));
    assertTrue(text.startsWith(prefix), text);
    String tail = text.substring(prefix.length());
    assertTrue(
        tail.startsWith(
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","),
        tail);
    assertTrue(tail.endsWith("\"}}\n\n"), tail);
    Report report = sink.only();
    assertEquals(200, report.status());
    assertTrue(report.error().contains("ended inside a frame"), report.error());
  }

  @Test
  void aCleanEndBeforeMessageStopIsReportedIncompleteAndEndsWithAnErrorEvent() throws Exception {
    String text = Okio.buffer(sse(encode(chunk(CLAUDE_TOOL_EVENTS[0])))).readUtf8();

    String prefix = sseOf(CLAUDE_TOOL_EVENTS[0]);
    assertTrue(text.startsWith(prefix), text);
    assertTrue(
        text.substring(prefix.length())
            .startsWith(
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","),
        text);
    assertEquals("stream ended before completion", sink.only().error());
  }

  @Test
  void aCorruptFrameEndsWithAnErrorEvent() throws Exception {
    byte[] frames = encode(chunks(CLAUDE_TOOL_EVENTS));
    frames[frames.length - 1] ^= 0x01; // the last frame's message CRC

    String text = Okio.buffer(sse(frames)).readUtf8();

    assertTrue(text.endsWith("\"}}\n\n") && text.contains("event: error\n"), text);
    assertTrue(sink.only().error().contains("CRC"), sink.only().error());
  }
}
