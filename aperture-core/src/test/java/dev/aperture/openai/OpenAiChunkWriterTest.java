package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.ApertureException;
import dev.aperture.StreamException;
import dev.aperture.UpstreamException;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatStream;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OpenAiChunkWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_750_000_123L;
  private final OpenAiChatCodec codec =
      OpenAiChatCodec.create(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private static final Usage USAGE =
      Usage.builder()
          .inputTokens(100)
          .cacheReadTokens(50)
          .cacheWrite5mTokens(25)
          .outputTokens(30)
          .build();

  /** Text in block 0, a tool call in block 1, text in block 2, an argument-less call in block 3. */
  private static List<ChatEvent> textThenTwoToolCalls() {
    return List.of(
        new ChatEvent.Start("msg_7", "claude-sonnet-4-5", "bedrock"),
        new ChatEvent.TextDelta(0, "Let me check"),
        new ChatEvent.TextDelta(0, " that."),
        new ChatEvent.BlockStop(0),
        new ChatEvent.ToolCallStart(1, "call_a", "get_weather"),
        new ChatEvent.ToolCallDelta(1, "{\"city\":"),
        new ChatEvent.ToolCallDelta(1, "\"Paris\"}"),
        new ChatEvent.ToolCallEnd(1, "call_a", "get_weather", "{\"city\":\"Paris\"}"),
        new ChatEvent.BlockStop(1),
        new ChatEvent.TextDelta(2, " And the time:"),
        new ChatEvent.BlockStop(2),
        new ChatEvent.ToolCallStart(3, "call_b", "get_time"),
        new ChatEvent.ToolCallEnd(3, "call_b", "get_time", "{}"),
        new ChatEvent.BlockStop(3),
        new ChatEvent.Finish(StopReason.TOOL_USE, "tool_use", USAGE));
  }

  /** The {@code data:} payloads written so far, in order. */
  private List<String> payloads() {
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n\n"), "every event ends with a blank line");
    List<String> payloads = new ArrayList<>();
    for (String event : text.split("\n\n")) {
      assertTrue(event.startsWith("data: "), event);
      payloads.add(event.substring("data: ".length()));
    }
    return payloads;
  }

  private List<JsonNode> chunks() throws IOException {
    List<JsonNode> chunks = new ArrayList<>();
    for (String p : payloads()) {
      if (!p.equals("[DONE]")) {
        chunks.add(JSON.readTree(p));
      }
    }
    return chunks;
  }

  @Test
  void toolCallIndexesCountToolCallsNotContentBlocks() throws IOException {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);

    assertEquals(Optional.empty(), writer.writeAll(textThenTwoToolCalls()));

    List<JsonNode> chunks = chunks();
    List<Integer> indexes = new ArrayList<>();
    for (JsonNode c : chunks) {
      for (JsonNode call : c.at("/choices/0/delta/tool_calls")) {
        indexes.add(call.get("index").asInt());
      }
    }
    assertEquals(List.of(0, 0, 0, 1, 1), indexes);
    JsonNode firstCall = chunks.get(3).at("/choices/0/delta/tool_calls/0");
    assertEquals(
        JSON.readTree(
            "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}"),
        firstCall);
  }

  @Test
  void aClientAccumulatingTheChunksGetsTheWholeAnswer() throws IOException {
    codec.newChunkWriter(out, false).writeAll(textThenTwoToolCalls());

    StringBuilder content = new StringBuilder();
    Map<Integer, String> ids = new TreeMap<>();
    Map<Integer, String> names = new TreeMap<>();
    Map<Integer, StringBuilder> arguments = new TreeMap<>();
    String finishReason = null;
    for (JsonNode chunk : chunks()) {
      JsonNode choice = chunk.at("/choices/0");
      content.append(choice.at("/delta/content").asText(""));
      for (JsonNode call : choice.at("/delta/tool_calls")) {
        int i = call.get("index").asInt();
        if (call.has("id")) {
          ids.put(i, call.get("id").asText());
          names.put(i, call.at("/function/name").asText());
        }
        arguments
            .computeIfAbsent(i, k -> new StringBuilder())
            .append(call.at("/function/arguments").asText());
      }
      if (!choice.get("finish_reason").isNull()) {
        finishReason = choice.get("finish_reason").asText();
      }
    }

    assertEquals("Let me check that. And the time:", content.toString());
    assertEquals(Map.of(0, "call_a", 1, "call_b"), ids);
    assertEquals(Map.of(0, "get_weather", 1, "get_time"), names);
    assertEquals("{\"city\":\"Paris\"}", arguments.get(0).toString());
    assertEquals("{}", arguments.get(1).toString(), "a call without arguments gets {}");
    assertEquals("tool_calls", finishReason);
  }

  @Test
  void theFirstChunkCarriesTheRoleAndEveryChunkSharesIdCreatedAndModel() throws IOException {
    codec.newChunkWriter(out, true).writeAll(textThenTwoToolCalls());

    List<JsonNode> chunks = chunks();
    assertEquals(
        JSON.readTree(
            """
            {"id": "msg_7", "object": "chat.completion.chunk", "created": 1750000123,
             "model": "claude-sonnet-4-5",
             "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                          "logprobs": null, "finish_reason": null}],
             "usage": null}
            """),
        chunks.get(0));
    for (JsonNode c : chunks) {
      assertEquals("msg_7", c.get("id").asText());
      assertEquals("chat.completion.chunk", c.get("object").asText());
      assertEquals(NOW, c.get("created").asLong());
      assertEquals("claude-sonnet-4-5", c.get("model").asText());
    }
  }

  @Test
  void includeUsageAddsAFinalUsageChunkWithoutChoicesBeforeDone() throws IOException {
    codec.newChunkWriter(out, true).writeAll(textThenTwoToolCalls());

    List<String> payloads = payloads();
    assertEquals("[DONE]", payloads.get(payloads.size() - 1));
    JsonNode finish = JSON.readTree(payloads.get(payloads.size() - 3));
    assertEquals(JSON.readTree("{}"), finish.at("/choices/0/delta"));
    assertEquals("tool_calls", finish.at("/choices/0/finish_reason").asText());
    assertTrue(finish.get("usage").isNull());
    JsonNode usage = JSON.readTree(payloads.get(payloads.size() - 2));
    assertEquals(0, usage.get("choices").size());
    assertEquals(
        JSON.readTree(
            """
            {"prompt_tokens": 175, "completion_tokens": 30, "total_tokens": 205,
             "prompt_tokens_details": {"cached_tokens": 50},
             "completion_tokens_details": {"reasoning_tokens": 0}}
            """),
        usage.get("usage"));
    for (JsonNode c : chunks().subList(0, chunks().size() - 1)) {
      assertTrue(c.get("usage").isNull(), "every other chunk has usage: null");
    }
  }

  @Test
  void withoutIncludeUsageNoChunkHasUsageAndDoneFollowsTheFinish() throws IOException {
    codec.newChunkWriter(out, false).writeAll(textThenTwoToolCalls());

    List<String> payloads = payloads();
    assertEquals("[DONE]", payloads.get(payloads.size() - 1));
    JsonNode last = JSON.readTree(payloads.get(payloads.size() - 2));
    assertEquals("tool_calls", last.at("/choices/0/finish_reason").asText());
    for (JsonNode c : chunks()) {
      assertFalse(c.has("usage"));
    }
  }

  @Test
  void reasoningIsStreamedAsReasoningContentAndSignaturesWriteNothing() throws IOException {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);
    writer.write(new ChatEvent.Start("id", "m", "p"));
    writer.write(new ChatEvent.ReasoningDelta(0, "Think."));
    writer.write(new ChatEvent.ReasoningSignature(0, "c2ln"));
    writer.write(new ChatEvent.RedactedReasoning(1, "b3BhcXVl"));
    writer.write(new ChatEvent.BlockStop(0));

    List<JsonNode> chunks = chunks();
    assertEquals(2, chunks.size());
    assertEquals(
        JSON.readTree("{\"reasoning_content\":\"Think.\"}"), chunks.get(1).at("/choices/0/delta"));
  }

  @Test
  void aToolCallReportedOnlyWhenCompleteIsSentWhole() throws IOException {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);
    writer.write(new ChatEvent.Start("id", "m", "p"));
    writer.write(new ChatEvent.ToolCallEnd(4, "call_z", "lookup", "{\"q\":1}"));

    JsonNode call = chunks().get(1).at("/choices/0/delta/tool_calls/0");
    assertEquals(0, call.get("index").asInt());
    assertEquals("call_z", call.get("id").asText());
    assertEquals("{\"q\":1}", call.at("/function/arguments").asText());
  }

  @Test
  void aToolCallEndingWithBlankArgumentsSendsAnEmptyObject() throws IOException {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);
    writer.write(new ChatEvent.Start("id", "m", "p"));
    writer.write(new ChatEvent.ToolCallStart(0, "call_1", "now"));
    writer.write(new ChatEvent.ToolCallDelta(0, ""));
    writer.write(new ChatEvent.ToolCallEnd(0, "call_1", "now", ""));

    List<JsonNode> chunks = chunks();
    assertEquals(3, chunks.size(), "an empty fragment writes no chunk");
    assertEquals(
        "{}", chunks.get(2).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
  }

  @Test
  void eachEventIsOneWriteFollowedByAFlush() {
    List<String> calls = new ArrayList<>();
    OutputStream recording =
        new OutputStream() {
          @Override
          public void write(int b) {
            calls.add("write1");
          }

          @Override
          public void write(byte[] b, int off, int len) {
            calls.add("write");
          }

          @Override
          public void flush() {
            calls.add("flush");
          }

          @Override
          public void close() {
            calls.add("close");
          }
        };
    OpenAiChunkWriter writer = codec.newChunkWriter(recording, true);

    writer.write(new ChatEvent.Start("id", "m", "p"));
    writer.write(new ChatEvent.TextDelta(0, "Hi"));
    writer.write(new ChatEvent.BlockStop(0));
    writer.write(new ChatEvent.Finish(StopReason.END_TURN, null, Usage.of(1, 1)));

    assertEquals(List.of("write", "flush", "write", "flush", "write", "flush"), calls);
  }

  @Test
  void aFailureMidStreamIsWrittenAsAnErrorEventWithoutDone() throws IOException {
    StreamException cut = new StreamException(StreamException.Kind.TRUNCATED, "connection reset");
    Iterable<ChatEvent> events =
        failingAfter(
            List.of(new ChatEvent.Start("id", "m", "p"), new ChatEvent.TextDelta(0, "Par")), cut);

    Optional<ApertureException> failure = codec.newChunkWriter(out, true).writeAll(events);

    assertEquals(Optional.of(cut), failure);
    List<String> payloads = payloads();
    assertEquals(3, payloads.size());
    assertFalse(payloads.contains("[DONE]"));
    assertEquals(
        JSON.readTree(
            """
            {"error": {"message": "connection reset", "type": "api_error", "param": null,
                       "code": null}}
            """),
        JSON.readTree(payloads.get(2)));
  }

  @Test
  void aThrottledStreamIsARateLimitErrorEvent() throws IOException {
    UpstreamException throttled =
        new UpstreamException("bedrock", 429, "ThrottlingException", "slow down", null, true, null);

    codec
        .newChunkWriter(out, false)
        .writeAll(failingAfter(List.of(new ChatEvent.Start("id", "m", "p")), throttled));

    JsonNode error = JSON.readTree(payloads().get(1)).get("error");
    assertEquals("rate_limit_error", error.get("type").asText());
    assertEquals("rate_limit_exceeded", error.get("code").asText());
  }

  @Test
  void aFailureBeforeTheFirstEventIsTheOnlyEvent() throws IOException {
    UpstreamException down = new UpstreamException("bedrock", 0, null, null, null, true, null);

    codec.newChunkWriter(out, false).writeAll(failingAfter(List.of(), down));

    List<String> payloads = payloads();
    assertEquals(1, payloads.size());
    assertEquals("api_error", JSON.readTree(payloads.get(0)).at("/error/type").asText());
  }

  @Test
  void eventsThatEndWithoutAFinishAreATruncatedStream() throws IOException {
    Optional<ApertureException> failure =
        codec
            .newChunkWriter(out, false)
            .writeAll(
                List.of(new ChatEvent.Start("id", "m", "p"), new ChatEvent.TextDelta(0, "a")));

    assertEquals(StreamException.Kind.TRUNCATED, ((StreamException) failure.orElseThrow()).kind());
    List<String> payloads = payloads();
    assertTrue(JSON.readTree(payloads.get(payloads.size() - 1)).has("error"));
    assertFalse(payloads.contains("[DONE]"));
  }

  @Test
  void eventsOutOfOrderAreABadFrameWrittenAsAnError() throws IOException {
    Optional<ApertureException> failure =
        codec
            .newChunkWriter(out, false)
            .writeAll(
                List.of(new ChatEvent.Start("id", "m", "p"), new ChatEvent.ToolCallDelta(2, "{}")));

    assertEquals(StreamException.Kind.BAD_FRAME, ((StreamException) failure.orElseThrow()).kind());
    assertTrue(JSON.readTree(payloads().get(1)).has("error"));
  }

  @Test
  void theFirstEventMustBeStart() {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);

    StreamException e =
        assertThrows(StreamException.class, () -> writer.write(new ChatEvent.TextDelta(0, "x")));
    assertEquals(StreamException.Kind.BAD_FRAME, e.kind());
  }

  @Test
  void nothingCanBeWrittenAfterTheEnd() {
    OpenAiChunkWriter writer = codec.newChunkWriter(out, false);
    writer.writeAll(textThenTwoToolCalls());

    assertThrows(IllegalStateException.class, () -> writer.write(new ChatEvent.BlockStop(0)));
    assertThrows(
        IllegalStateException.class,
        () -> writer.writeError(new StreamException(StreamException.Kind.CLOSED, "closed")));
  }

  @Test
  void aChatStreamIsWrittenAsItIsReadAndClosesItself() throws IOException {
    Iterator<ChatEvent> events = textThenTwoToolCalls().iterator();
    boolean[] closed = new boolean[1];
    try (ChatStream stream =
        ChatStream.of(
            new dev.aperture.provider.EventSource() {
              @Override
              public ChatEvent next() {
                return events.hasNext() ? events.next() : null;
              }

              @Override
              public void close() {
                closed[0] = true;
              }
            })) {
      assertEquals(Optional.empty(), codec.newChunkWriter(out, true).writeAll(stream));
    }

    assertTrue(closed[0]);
    assertEquals(11, chunks().size());
  }

  @Test
  void anOutputStreamThatFailsSurfacesAsUncheckedIoAndIsNotAnErrorEvent() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("client went away");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("client went away");
          }
        };

    OpenAiChunkWriter writer = codec.newChunkWriter(broken, false);

    assertThrows(UncheckedIOException.class, () -> writer.writeAll(textThenTwoToolCalls()));
  }

  /** Yields {@code events}, then throws {@code failure}, as a breaking stream does. */
  private static Iterable<ChatEvent> failingAfter(
      List<ChatEvent> events, RuntimeException failure) {
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            if (next < events.size()) {
              return true;
            }
            throw failure;
          }

          @Override
          public ChatEvent next() {
            return events.get(next++);
          }
        };
  }
}
