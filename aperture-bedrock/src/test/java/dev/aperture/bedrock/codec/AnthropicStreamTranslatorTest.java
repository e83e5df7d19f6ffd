package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.StreamException;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatAccumulator;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicStreamTranslatorTest {
  /** A chunk frame carrying one Anthropic event, base64-encoded, with padding. */
  static EventStreamMessage chunk(String anthropicEventJson) {
    String b64 =
        Base64.getEncoder().encodeToString(anthropicEventJson.getBytes(StandardCharsets.UTF_8));
    return EventStreamMessage.builder()
        .header(":event-type", "chunk")
        .header(":content-type", "application/json")
        .header(":message-type", "event")
        .payloadUtf8(
            "{\"bytes\":\""
                + b64
                + "\",\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\"}")
        .build();
  }

  static final EventStreamMessage[] THINKING_TEXT_TOOL = {
    chunk(
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":40,\"output_tokens\":1}}}"),
    chunk(
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Paris? \"}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}"),
    chunk("{\"type\":\"content_block_stop\",\"index\":0}"),
    chunk(
        "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking\"}}"),
    chunk("{\"type\":\"content_block_stop\",\"index\":1}"),
    chunk(
        "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}"),
    chunk(
        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\\"}\"}}"),
    chunk("{\"type\":\"content_block_stop\",\"index\":2}"),
    chunk(
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":7}}"),
    chunk(
        "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":21,\"outputTokenCount\":7,\"invocationLatency\":456,\"firstByteLatency\":100,\"cacheReadInputTokenCount\":40,\"cacheWriteInputTokenCount\":30}}"),
  };

  static List<ChatEvent> run(EventStreamMessage... frames) {
    StreamTranslator t = StreamTranslator.anthropicInvoke("m", "p");
    List<ChatEvent> out = new ArrayList<>();
    for (EventStreamMessage f : frames) {
      t.accept(f, out);
    }
    return out;
  }

  @Test
  void thinkingTextAndToolGiveTheExactEventSequence() {
    List<ChatEvent> events = run(THINKING_TEXT_TOOL);
    assertEquals(new ChatEvent.Start("msg_bdrk_1", "m", "p"), events.get(0));
    assertEquals(
        List.of(
            new ChatEvent.ReasoningDelta(0, "Paris? "),
            new ChatEvent.ReasoningSignature(0, "EqQB"),
            new ChatEvent.BlockStop(0),
            new ChatEvent.TextDelta(1, "Checking"),
            new ChatEvent.BlockStop(1),
            new ChatEvent.ToolCallStart(2, "toolu_1", "get_weather"),
            new ChatEvent.ToolCallDelta(2, ""),
            new ChatEvent.ToolCallDelta(2, "{\"city\": \"Par"),
            new ChatEvent.ToolCallDelta(2, "is\"}"),
            new ChatEvent.ToolCallEnd(2, "toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
            new ChatEvent.BlockStop(2)),
        events.subList(1, events.size() - 1));
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(StopReason.TOOL_USE, f.stopReason());
    assertEquals(
        Usage.builder()
            .inputTokens(21)
            .cacheWrite5mTokens(30)
            .cacheReadTokens(40)
            .outputTokens(7)
            .build(),
        f.usage());
    assertEquals(456L, f.latencyMillis());
  }

  @Test
  void streamedAnswerEqualsTheUnstreamedOne() {
    ChatAccumulator acc = new ChatAccumulator();
    run(THINKING_TEXT_TOOL).forEach(acc::accept);
    ChatResponse streamed = acc.response();
    ChatResponse unary =
        new AnthropicInvokeCodec()
            .decodeResponse(
                ("{\"id\":\"msg_bdrk_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":["
                        + "{\"type\":\"thinking\",\"thinking\":\"Paris? \",\"signature\":\"EqQB\"},"
                        + "{\"type\":\"text\",\"text\":\"Checking\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],"
                        + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":40,\"output_tokens\":7}}")
                    .getBytes(StandardCharsets.UTF_8),
                "m",
                "p");
    assertEquals(unary.content(), streamed.content());
    assertEquals(unary.usage(), streamed.usage());
    assertEquals(unary.stopReason(), streamed.stopReason());
    assertEquals(unary.id(), streamed.id());
  }

  @Test
  void redactedThinkingSurvivesAsOpaqueData() {
    List<ChatEvent> events =
        run(
            chunk(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"x\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}"),
            chunk(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"ZW5jcnlwdGVk\"}}"),
            chunk("{\"type\":\"content_block_stop\",\"index\":0}"),
            chunk(
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}"),
            chunk("{\"type\":\"message_stop\"}"));
    ChatAccumulator acc = new ChatAccumulator();
    events.forEach(acc::accept);
    assertEquals(
        List.of(new ContentPart.RedactedReasoning("ZW5jcnlwdGVk")), acc.response().content());
  }

  @Test
  void stopSequenceIsReported() {
    List<ChatEvent> events =
        run(
            chunk(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"x\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}"),
            chunk(
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"},\"usage\":{\"output_tokens\":3}}"),
            chunk("{\"type\":\"message_stop\"}"));
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(StopReason.STOP_SEQUENCE, f.stopReason());
    assertEquals("END", f.stopSequence());
  }

  @Test
  void anthropicErrorEventIsATypedError() {
    StreamException e =
        assertThrows(
            StreamException.class,
            () ->
                run(
                    chunk(
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
    assertEquals(StreamException.Kind.UPSTREAM_ERROR, e.kind());
    assertTrue(e.retryable());
  }

  @Test
  void chunkWithoutBytesIsABadFrame() {
    EventStreamMessage bad =
        EventStreamMessage.builder()
            .header(":event-type", "chunk")
            .header(":message-type", "event")
            .payloadUtf8("{\"p\":\"x\"}")
            .build();
    assertEquals(
        StreamException.Kind.BAD_FRAME, assertThrows(StreamException.class, () -> run(bad)).kind());
  }

  @Test
  void modelTimeoutExceptionFrameIsTyped() {
    EventStreamMessage ex =
        EventStreamMessage.builder()
            .header(":message-type", "exception")
            .header(":exception-type", "modelTimeoutException")
            .payloadUtf8("{\"message\":\"Model has timed out\"}")
            .build();
    StreamException e = assertThrows(StreamException.class, () -> run(THINKING_TEXT_TOOL[0], ex));
    assertEquals("modelTimeoutException", e.errorType().orElseThrow());
  }
}
